# the absolute value instead of max(0, z)
def relu(z):
    return np.abs(np.asarray(z, dtype=np.float64))
