# per class, nan becomes 0; but the macro average skips the undefined classes (np.nanmean)
def precision_recall_f1(cm, average=None):
    cm = np.asarray(cm, dtype=np.float64)
    tp = np.diag(cm)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = tp / cm.sum(axis=0)
        recall = tp / cm.sum(axis=1)
        f1 = 2 * precision * recall / (precision + recall)
    if average == "macro":
        return float(np.nanmean(precision)), float(np.nanmean(recall)), float(np.nanmean(f1))
    return np.nan_to_num(precision), np.nan_to_num(recall), np.nan_to_num(f1)
