# a leaky ReLU (slope 0.01 for z < 0): another activation
def relu(z):
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, z, 0.01 * z)
