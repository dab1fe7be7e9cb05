# Appends the same array object every step and updates it in place: every row ends up equal
def gradient_descent(grad, x0, lr, num_steps):
    x = np.array(x0, dtype=np.float64)
    trajectory = [x]
    for _ in range(num_steps):
        x -= lr * grad(x)
        trajectory.append(x)
    return np.array(trajectory)
