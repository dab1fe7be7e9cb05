# mistake: off_by_one
# "valid" forgets the + 1: counts the steps between windows, not the windows
def conv_output_size(n, k, stride=1, padding="valid"):
    if padding == "valid":
        return (n - k) // stride
    if padding == "same":
        return -(-n // stride)
    raise ValueError(f"unknown padding {padding!r}")
