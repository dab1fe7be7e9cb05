# uses the variance as the standard deviation (missing square root)
def init_params(d, h, seed, method="he"):
    rng = np.random.default_rng(seed)
    if method == "he":
        std1, std2 = 2.0 / d, 2.0 / h
    else:
        std1, std2 = 2.0 / (d + h), 2.0 / (h + 1)
    return {
        "W1": rng.normal(0.0, std1, size=(d, h)),
        "b1": np.zeros(h),
        "W2": rng.normal(0.0, std2, size=(h, 1)),
        "b2": np.zeros(1),
    }
