# the naive formula on z clipped to [-500, 500], where exp cannot overflow
def sigmoid(z):
    z = np.clip(np.asarray(z, dtype=np.float64), -500.0, 500.0)
    return 1.0 / (1.0 + np.exp(-z))
