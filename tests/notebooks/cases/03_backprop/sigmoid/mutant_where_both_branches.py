# mistake: no_stabilisation
# both stable branches inside np.where, which evaluates each of them everywhere
def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    return np.where(z >= 0, 1.0 / (1.0 + np.exp(-z)), np.exp(z) / (1.0 + np.exp(z)))
