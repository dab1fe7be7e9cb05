# the step function (the derivative) instead of ReLU
def relu(z):
    return (np.asarray(z) > 0).astype(np.float64)
