# Keras' way: a normal truncated at 2 standard deviations, rescaled to the target std
def init_params(d, h, seed, method="he"):
    rng = np.random.default_rng(seed)

    def truncated(shape, std):
        x = rng.standard_normal(shape)
        outside = np.abs(x) > 2.0
        while outside.any():
            x[outside] = rng.standard_normal(int(outside.sum()))
            outside = np.abs(x) > 2.0
        return x * std / 0.87962566103423978  # the std of a normal truncated at +-2

    if method == "he":
        std1, std2 = np.sqrt(2.0 / d), np.sqrt(2.0 / h)
    else:
        std1, std2 = np.sqrt(2.0 / (d + h)), np.sqrt(2.0 / (h + 1))
    return {
        "W1": truncated((d, h), std1),
        "b1": np.zeros(h),
        "W2": truncated((h, 1), std2),
        "b2": np.zeros(1),
    }
