# true division: a float, and not a whole number when the stride does not divide evenly
def conv_output_size(n, k, stride=1, padding="valid"):
    if padding == "valid":
        return (n - k) / stride + 1
    if padding == "same":
        return n / stride
    raise ValueError(f"unknown padding {padding!r}")
