# Divides by the previous step's average, before the new g**2 is added to it
def rmsprop_step(w, g, v, lr=0.001, rho=0.9, epsilon=1e-7):
    w_new = w - lr * g / np.sqrt(v + epsilon)
    return w_new, rho * v + (1 - rho) * g**2
