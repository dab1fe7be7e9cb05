# mistake: no_stabilisation
# a stable softmax, then its log: a probability of exp(-2000) is 0 and log(0) = -inf
def cce_from_logits(y, logits):
    logits = np.asarray(logits, dtype=np.float64)
    y = np.asarray(y)
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    log_probs = np.log(e / e.sum(axis=1, keepdims=True))
    if y.ndim == 1:
        return float(-log_probs[np.arange(len(y)), y].mean())
    return float(-(y * log_probs).sum(axis=1).mean())
