# mistake: missing_minus
# the seeds' cross-entropy without its minus sign (log-probabilities computed stably)
def bce_from_logits(y, z):
    y = np.asarray(y, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    log_p = -np.logaddexp(0.0, -z)  # log sigmoid(z)
    log_not_p = -np.logaddexp(0.0, z)  # log (1 - sigmoid(z))
    return float(np.mean(y * log_p + (1.0 - y) * log_not_p))
