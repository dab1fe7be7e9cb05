# Moves w with the old velocity and only then updates the velocity
def momentum_step(w, g, velocity, lr=0.01, momentum=0.9):
    w_new = w + velocity
    return w_new, momentum * velocity - lr * g
