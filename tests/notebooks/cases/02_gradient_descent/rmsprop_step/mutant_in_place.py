# mistake: in_place
# Updates the caller's arrays in place
def rmsprop_step(w, g, v, lr=0.001, rho=0.9, epsilon=1e-7):
    v *= rho
    v += (1 - rho) * g**2
    w -= lr * g / np.sqrt(v + epsilon)
    return w, v
