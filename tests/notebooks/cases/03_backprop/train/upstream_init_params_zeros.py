# replaces: init_params
# a broken init_params (all weights 0): it costs init_params' points, not train's
def init_params(d, h, seed, method="he"):
    return {"W1": np.zeros((d, h)), "b1": np.zeros(h), "W2": np.zeros((h, 1)), "b2": np.zeros(1)}
