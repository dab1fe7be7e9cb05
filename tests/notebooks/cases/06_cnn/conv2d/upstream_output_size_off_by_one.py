# replaces: conv_output_size
# a broken Part 1 (no + 1 for "valid", floor for "same"): conv2d is graded with the reference
def conv_output_size(n, k, stride=1, padding="valid"):
    if padding == "valid":
        return (n - k) // stride
    if padding == "same":
        return n // stride
    raise ValueError(f"unknown padding {padding!r}")
