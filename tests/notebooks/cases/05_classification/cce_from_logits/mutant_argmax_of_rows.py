# turns rows into class indices with argmax: right for one-hot rows, wrong for soft labels
def cce_from_logits(y, logits):
    logits = np.asarray(logits, dtype=np.float64)
    y = np.asarray(y)
    if y.ndim == 2:
        y = y.argmax(axis=1)
    m = logits.max(axis=1, keepdims=True)
    log_probs = logits - (m + np.log(np.exp(logits - m).sum(axis=1, keepdims=True)))
    return float(-log_probs[np.arange(len(y)), y].mean())
