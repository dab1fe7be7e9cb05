# Keras' form: a corrected learning rate lr_t, epsilon added to the uncorrected sqrt(v)
def adam_step(w, g, m, v, t, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m_new = m + (g - m) * (1 - beta_1)
    v_new = v + (np.square(g) - v) * (1 - beta_2)
    lr_t = lr * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w - lr_t * m_new / (np.sqrt(v_new) + epsilon), m_new, v_new
