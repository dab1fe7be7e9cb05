# mistake: off_by_one
# Off by one: range(num_steps - 1) makes one step too few
def gradient_descent(grad, x0, lr, num_steps):
    x = np.array(x0, dtype=np.float64)
    trajectory = [x]
    for _ in range(num_steps - 1):
        x = x - lr * grad(x)
        trajectory.append(x)
    return np.array(trajectory)
