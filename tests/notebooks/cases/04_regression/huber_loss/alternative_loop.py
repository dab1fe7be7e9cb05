# a Python loop over the flattened elements
def huber_loss(y_true, y_pred, delta=1.0):
    y_true = np.asarray(y_true, dtype=np.float64).ravel()
    y_pred = np.asarray(y_pred, dtype=np.float64).ravel()
    total = 0.0
    for t, p in zip(y_true, y_pred, strict=True):
        e = abs(p - t)
        total += 0.5 * e * e if e <= delta else delta * (e - delta / 2)
    return total / len(y_true)
