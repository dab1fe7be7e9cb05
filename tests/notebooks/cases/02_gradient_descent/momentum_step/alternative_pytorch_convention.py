# PyTorch's convention: the velocity accumulates g, and w moves by lr * velocity
def momentum_step(w, g, velocity, lr=0.01, momentum=0.9):
    velocity_new = momentum * velocity + g
    return w - lr * velocity_new, velocity_new
