# The running average written as v + (1 - rho) (g**2 - v)
def rmsprop_step(w, g, v, lr=0.001, rho=0.9, epsilon=1e-7):
    v_new = v + (1.0 - rho) * (g * g - v)
    increment = lr * g / np.sqrt(v_new + epsilon)
    return w - increment, v_new
