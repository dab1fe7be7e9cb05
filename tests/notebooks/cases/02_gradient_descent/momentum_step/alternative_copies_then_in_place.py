# Copies the arguments first, then updates the copies in place
def momentum_step(w, g, velocity, lr=0.01, momentum=0.9):
    velocity_new = np.array(velocity, dtype=np.float64)
    velocity_new *= momentum
    velocity_new -= lr * np.asarray(g)
    w_new = np.array(w, dtype=np.float64)
    w_new += velocity_new
    return w_new, velocity_new
