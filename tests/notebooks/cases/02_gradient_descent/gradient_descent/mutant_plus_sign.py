# mistake: missing_minus
# Gradient ascent: x + lr * grad(x) climbs the loss
def gradient_descent(grad, x0, lr, num_steps):
    x = np.array(x0, dtype=np.float64)
    trajectory = [x]
    for _ in range(num_steps):
        x = x + lr * grad(x)
        trajectory.append(x)
    return np.array(trajectory)
