# mistake: in_place
# Updates the caller's arrays in place with *=, -= and +=
def momentum_step(w, g, velocity, lr=0.01, momentum=0.9):
    velocity *= momentum
    velocity -= lr * g
    w += velocity
    return w, velocity
