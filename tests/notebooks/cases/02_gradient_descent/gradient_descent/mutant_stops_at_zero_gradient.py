# Stops early once the gradient is zero ("converged"): the trajectory comes back too short
def gradient_descent(grad, x0, lr, num_steps):
    x = np.array(x0, dtype=np.float64)
    trajectory = [x]
    for _ in range(num_steps):
        g = np.asarray(grad(x), dtype=np.float64)
        if np.all(g == 0):
            break
        x = x - lr * g
        trajectory.append(x)
    return np.stack(trajectory)
