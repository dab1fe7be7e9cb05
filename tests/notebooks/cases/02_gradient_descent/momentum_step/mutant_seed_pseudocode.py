# The course notes' pseudo-code: velocity adds lr * g, then w applies the gradient again
def momentum_step(w, g, velocity, lr=0.01, momentum=0.9):
    velocity_new = momentum * velocity + lr * g
    w_new = w + momentum * velocity_new - lr * g
    return w_new, velocity_new
