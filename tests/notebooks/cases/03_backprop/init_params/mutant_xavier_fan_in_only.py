# "Xavier" as 1 / sqrt(fan_in) (LeCun's scale), not sqrt(2 / (fan_in + fan_out))
def init_params(d, h, seed, method="he"):
    rng = np.random.default_rng(seed)
    if method == "he":
        std1, std2 = np.sqrt(2.0 / d), np.sqrt(2.0 / h)
    else:
        std1, std2 = np.sqrt(1.0 / d), np.sqrt(1.0 / h)
    return {
        "W1": rng.normal(0.0, std1, size=(d, h)),
        "b1": np.zeros(h),
        "W2": rng.normal(0.0, std2, size=(h, 1)),
        "b2": np.zeros(1),
    }
