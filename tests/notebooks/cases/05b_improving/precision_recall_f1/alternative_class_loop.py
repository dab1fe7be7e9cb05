# one class at a time, with explicit tp, fp and fn and an if for every 0/0
def precision_recall_f1(cm, average=None):
    cm = np.asarray(cm)
    k = cm.shape[0]
    precision, recall, f1 = np.zeros(k), np.zeros(k), np.zeros(k)
    for c in range(k):
        tp = cm[c, c]
        fp = cm[:, c].sum() - tp
        fn = cm[c, :].sum() - tp
        if tp + fp > 0:
            precision[c] = tp / (tp + fp)
        if tp + fn > 0:
            recall[c] = tp / (tp + fn)
        if precision[c] + recall[c] > 0:
            f1[c] = 2 * precision[c] * recall[c] / (precision[c] + recall[c])
    if average == "macro":
        return float(np.mean(precision)), float(np.mean(recall)), float(np.mean(f1))
    return precision, recall, f1
