# mistake: off_by_one
# "same" rounds n / stride down instead of up
def conv_output_size(n, k, stride=1, padding="valid"):
    if padding == "valid":
        return (n - k) // stride + 1
    if padding == "same":
        return n // stride
    raise ValueError(f"unknown padding {padding!r}")
