# mistake: transposed
# precision from row sums and recall from column sums: the two are swapped
def precision_recall_f1(cm, average=None):
    cm = np.asarray(cm, dtype=np.float64)
    tp = np.diag(cm)
    rows, cols = cm.sum(axis=1), cm.sum(axis=0)
    precision = np.divide(tp, rows, out=np.zeros_like(tp), where=rows > 0)
    recall = np.divide(tp, cols, out=np.zeros_like(tp), where=cols > 0)
    both = precision + recall
    f1 = np.divide(2 * precision * recall, both, out=np.zeros_like(tp), where=both > 0)
    if average == "macro":
        return float(precision.mean()), float(recall.mean()), float(f1.mean())
    return precision, recall, f1
