# mistake: integer_truncation
# Preallocates with x0's dtype: an int x0 gives an int trajectory that truncates
def gradient_descent(grad, x0, lr, num_steps):
    trajectory = np.zeros((num_steps + 1,) + np.shape(x0), dtype=np.asarray(x0).dtype)
    trajectory[0] = x0
    for k in range(num_steps):
        trajectory[k + 1] = trajectory[k] - lr * grad(trajectory[k])
    return trajectory
