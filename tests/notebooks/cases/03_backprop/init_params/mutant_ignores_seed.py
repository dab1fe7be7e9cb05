# NumPy's global generator: the seed argument is ignored
def init_params(d, h, seed, method="he"):
    if method == "he":
        std1, std2 = np.sqrt(2.0 / d), np.sqrt(2.0 / h)
    else:
        std1, std2 = np.sqrt(2.0 / (d + h)), np.sqrt(2.0 / (h + 1))
    return {
        "W1": np.random.normal(0.0, std1, size=(d, h)),
        "b1": np.zeros(h),
        "W2": np.random.normal(0.0, std2, size=(h, 1)),
        "b2": np.zeros(1),
    }
