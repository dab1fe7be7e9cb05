# rho and 1 - rho swapped: the average mostly forgets the past
def rmsprop_step(w, g, v, lr=0.001, rho=0.9, epsilon=1e-7):
    v_new = (1 - rho) * v + rho * g**2
    return w - lr * g / np.sqrt(v_new + epsilon), v_new
