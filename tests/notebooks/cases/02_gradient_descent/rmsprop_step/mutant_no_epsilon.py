# mistake: missing_epsilon
# Leaves epsilon out: 0 / 0 = nan when the gradient and the average are still 0
def rmsprop_step(w, g, v, lr=0.001, rho=0.9, epsilon=1e-7):
    v_new = rho * v + (1.0 - rho) * g**2
    return w - lr * g / np.sqrt(v_new), v_new
