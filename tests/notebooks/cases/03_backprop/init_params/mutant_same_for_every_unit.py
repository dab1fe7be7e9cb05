# one random column repeated: every hidden unit starts with the same weights
def init_params(d, h, seed, method="he"):
    rng = np.random.default_rng(seed)
    if method == "he":
        std1, std2 = np.sqrt(2.0 / d), np.sqrt(2.0 / h)
    else:
        std1, std2 = np.sqrt(2.0 / (d + h)), np.sqrt(2.0 / (h + 1))
    column = rng.normal(0.0, std1, size=(d, 1))
    return {
        "W1": np.tile(column, (1, h)),
        "b1": np.zeros(h),
        "W2": rng.normal(0.0, std2, size=(h, 1)),
        "b2": np.zeros(1),
    }
