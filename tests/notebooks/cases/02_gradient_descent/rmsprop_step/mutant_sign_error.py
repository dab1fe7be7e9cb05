# mistake: missing_minus
# Adds the step: climbs the loss
def rmsprop_step(w, g, v, lr=0.001, rho=0.9, epsilon=1e-7):
    v_new = rho * v + (1 - rho) * g**2
    return w + lr * g / np.sqrt(v_new + epsilon), v_new
