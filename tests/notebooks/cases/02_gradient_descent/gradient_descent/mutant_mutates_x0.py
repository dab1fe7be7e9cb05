# mistake: in_place
# Updates in place with -=, which changes the caller's float64 x0 array
def gradient_descent(grad, x0, lr, num_steps):
    x = np.asarray(x0, dtype=np.float64)  # no copy when x0 is already a float64 array
    trajectory = [x.copy()]
    for _ in range(num_steps):
        x -= lr * grad(x)
        trajectory.append(x.copy())
    return np.array(trajectory)
