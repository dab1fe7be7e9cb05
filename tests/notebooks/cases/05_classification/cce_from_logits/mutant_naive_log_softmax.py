# mistake: no_stabilisation
# log of exp(z) / sum(exp(z)) without any shift: exp(1000) overflows
def cce_from_logits(y, logits):
    logits = np.asarray(logits, dtype=np.float64)
    y = np.asarray(y)
    log_probs = np.log(np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True))
    if y.ndim == 1:
        return float(-log_probs[np.arange(len(y)), y].mean())
    return float(-(y * log_probs).sum(axis=1).mean())
