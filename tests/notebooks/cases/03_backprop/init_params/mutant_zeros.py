# every weight 0
def init_params(d, h, seed, method="he"):
    return {"W1": np.zeros((d, h)), "b1": np.zeros(h), "W2": np.zeros((h, 1)), "b2": np.zeros(1)}
