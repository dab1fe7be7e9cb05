# Applies the gradient twice: once through the velocity and once more directly
def momentum_step(w, g, velocity, lr=0.01, momentum=0.9):
    velocity_new = momentum * velocity - lr * g
    return w + velocity_new - lr * g, velocity_new
