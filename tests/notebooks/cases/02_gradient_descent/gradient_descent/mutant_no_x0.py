# mistake: off_by_one
# Records only the points after each step: x0 is missing, num_steps rows
def gradient_descent(grad, x0, lr, num_steps):
    x = np.array(x0, dtype=np.float64)
    trajectory = []
    for _ in range(num_steps):
        x = x - lr * grad(x)
        trajectory.append(x)
    return np.array(trajectory)
