# mistake: missing_minus
# Adds the step: climbs the loss
def adam_step(w, g, m, v, t, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m_new = beta_1 * m + (1 - beta_1) * g
    v_new = beta_2 * v + (1 - beta_2) * g**2
    m_hat = m_new / (1 - beta_1**t)
    v_hat = v_new / (1 - beta_2**t)
    return w + lr * m_hat / (np.sqrt(v_hat) + epsilon), m_new, v_new
