# "same" always returns n, as if the stride were 1
def conv_output_size(n, k, stride=1, padding="valid"):
    if padding == "valid":
        return (n - k) // stride + 1
    if padding == "same":
        return n
    raise ValueError(f"unknown padding {padding!r}")
