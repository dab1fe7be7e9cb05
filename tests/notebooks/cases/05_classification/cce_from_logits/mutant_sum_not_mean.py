# mistake: sum_for_mean
# sums the losses of the batch instead of averaging them
def cce_from_logits(y, logits):
    logits = np.asarray(logits, dtype=np.float64)
    y = np.asarray(y)
    m = logits.max(axis=1, keepdims=True)
    log_probs = logits - (m + np.log(np.exp(logits - m).sum(axis=1, keepdims=True)))
    if y.ndim == 1:
        return float(-log_probs[np.arange(len(y)), y].sum())
    return float(-(y * log_probs).sum())
