# Copies x0 first, then updates the copy in place and stores copies of it
def gradient_descent(grad, x0, lr, num_steps):
    x = np.array(x0, dtype=float, copy=True)
    points = [x.copy()]
    for _ in range(num_steps):
        x -= lr * grad(x)
        points.append(x.copy())
    return np.array(points)
