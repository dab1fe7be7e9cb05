# mistake: missing_epsilon
# Leaves epsilon out: 0 / 0 = nan when the gradient and the averages are still 0
def adam_step(w, g, m, v, t, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m_new = beta_1 * m + (1.0 - beta_1) * g
    v_new = beta_2 * v + (1.0 - beta_2) * g**2
    m_hat = m_new / (1.0 - beta_1**t)
    v_hat = v_new / (1.0 - beta_2**t)
    return w - lr * m_hat / np.sqrt(v_hat), m_new, v_new
