# F1 straight from the counts, 2 tp / (2 tp + fp + fn)
def precision_recall_f1(cm, average=None):
    cm = np.asarray(cm, dtype=np.float64)
    tp = np.diag(cm)
    fp = cm.sum(axis=0) - tp
    fn = cm.sum(axis=1) - tp
    zeros = np.zeros_like(tp)
    precision = np.divide(tp, tp + fp, out=zeros.copy(), where=(tp + fp) > 0)
    recall = np.divide(tp, tp + fn, out=zeros.copy(), where=(tp + fn) > 0)
    f1 = np.divide(2 * tp, 2 * tp + fp + fn, out=zeros.copy(), where=(2 * tp + fp + fn) > 0)
    if average == "macro":
        return float(precision.mean()), float(recall.mean()), float(f1.mean())
    return precision, recall, f1
