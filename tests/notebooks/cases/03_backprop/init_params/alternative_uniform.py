# uniform on [-sqrt(3) std, sqrt(3) std], which has the same standard deviation
def init_params(d, h, seed, method="he"):
    def fan_std(fan_in, fan_out):
        return np.sqrt(2.0 / fan_in) if method == "he" else np.sqrt(2.0 / (fan_in + fan_out))

    rng = np.random.default_rng(seed)
    limit1, limit2 = np.sqrt(3.0) * fan_std(d, h), np.sqrt(3.0) * fan_std(h, 1)
    return {
        "W1": rng.uniform(-limit1, limit1, size=(d, h)),
        "b1": np.zeros(h),
        "W2": rng.uniform(-limit2, limit2, size=(h, 1)),
        "b2": np.zeros(1),
    }
