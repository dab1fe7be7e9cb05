# mistake: no_stabilisation
# exp(z) / (1 + exp(z)): inf / inf = nan for z > 709
def sigmoid(z):
    e = np.exp(np.asarray(z, dtype=np.float64))
    return e / (1.0 + e)
