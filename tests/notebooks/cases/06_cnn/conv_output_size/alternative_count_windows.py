# counts the window starts 0, stride, ... that fit (valid) or lie in the input (same) with range()
def conv_output_size(n, k, stride=1, padding="valid"):
    if padding == "valid":
        return len(range(0, n - k + 1, stride))
    if padding == "same":
        return len(range(0, n, stride))
    raise ValueError(f"padding must be 'valid' or 'same', not {padding!r}")
