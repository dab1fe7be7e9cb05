# mistake: off_by_one
# "valid" as floor((n - k + 1) / stride): right at stride 1, wrong for larger strides
def conv_output_size(n, k, stride=1, padding="valid"):
    if padding == "valid":
        return (n - k + 1) // stride
    if padding == "same":
        return -(-n // stride)
    raise ValueError(f"unknown padding {padding!r}")
