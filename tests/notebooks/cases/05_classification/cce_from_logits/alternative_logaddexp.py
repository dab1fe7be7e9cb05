# logsumexp with np.logaddexp.reduce; sparse labels turned into one-hot rows first
def cce_from_logits(y, logits):
    logits = np.asarray(logits, dtype=np.float64)
    y = np.asarray(y)
    if y.ndim == 1:
        y = np.eye(logits.shape[1])[y]
    log_probs = logits - np.logaddexp.reduce(logits, axis=1, keepdims=True)
    return float(np.mean(np.sum(-y * log_probs, axis=1)))
