# Preallocates a float64 array and fills it row by row
def gradient_descent(grad, x0, lr, num_steps):
    trajectory = np.empty((num_steps + 1,) + np.shape(x0))
    trajectory[0] = x0
    for k in range(num_steps):
        trajectory[k + 1] = trajectory[k] - lr * np.asarray(grad(trajectory[k]))
    return trajectory
