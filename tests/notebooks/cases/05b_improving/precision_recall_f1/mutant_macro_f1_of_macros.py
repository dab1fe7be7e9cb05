# macro F1 as the F1 of the macro precision and macro recall, not the mean of per-class F1
def precision_recall_f1(cm, average=None):
    cm = np.asarray(cm, dtype=np.float64)
    tp = np.diag(cm)
    predicted, actual = cm.sum(axis=0), cm.sum(axis=1)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, actual, out=np.zeros_like(tp), where=actual > 0)
    both = precision + recall
    f1 = np.divide(2 * precision * recall, both, out=np.zeros_like(tp), where=both > 0)
    if average == "macro":
        p, r = float(precision.mean()), float(recall.mean())
        return p, r, 2 * p * r / (p + r) if p + r > 0 else 0.0
    return precision, recall, f1
