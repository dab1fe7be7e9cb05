# clips the probabilities to [1e-7, 1 - 1e-7] before the log: every loss is capped near 16
def cce_from_logits(y, logits):
    logits = np.asarray(logits, dtype=np.float64)
    y = np.asarray(y)
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs = np.clip(e / e.sum(axis=1, keepdims=True), 1e-7, 1 - 1e-7)
    log_probs = np.log(probs)
    if y.ndim == 1:
        return float(-log_probs[np.arange(len(y)), y].mean())
    return float(-(y * log_probs).sum(axis=1).mean())
