# one example at a time, with Python's math on each row
def cce_from_logits(y, logits):
    import math

    logits = np.asarray(logits, dtype=np.float64)
    y = np.asarray(y)
    total = 0.0
    for i, row in enumerate(logits):
        top = max(row)
        log_norm = top + math.log(sum(math.exp(v - top) for v in row))
        if y.ndim == 1:
            total += log_norm - row[int(y[i])]
        else:
            total += sum(float(w) * (log_norm - v) for w, v in zip(y[i], row, strict=True))
    return total / len(logits)
