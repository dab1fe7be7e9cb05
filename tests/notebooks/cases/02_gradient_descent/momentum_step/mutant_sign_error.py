# mistake: missing_minus
# velocity = momentum * velocity + lr * g, added to w: climbs the loss
def momentum_step(w, g, velocity, lr=0.01, momentum=0.9):
    velocity_new = momentum * velocity + lr * g
    return w + velocity_new, velocity_new
