# mistake: no_bias_correction
# Forgets the bias correction: tiny m and v make the first steps far too large
def adam_step(w, g, m, v, t, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m_new = beta_1 * m + (1 - beta_1) * g
    v_new = beta_2 * v + (1 - beta_2) * g**2
    return w - lr * m_new / (np.sqrt(v_new) + epsilon), m_new, v_new
