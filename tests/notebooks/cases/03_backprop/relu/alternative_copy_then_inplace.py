# in place, but on a copy
def relu(z):
    out = np.array(z, dtype=np.float64, copy=True)
    out[out < 0] = 0.0
    return out
