# replaces: relu
# a broken relu (the absolute value): it costs relu's points, not forward's
def relu(z):
    return np.abs(np.asarray(z, dtype=np.float64))
