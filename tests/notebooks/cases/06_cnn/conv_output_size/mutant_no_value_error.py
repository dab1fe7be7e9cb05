# any padding other than "valid" is treated as "same"
def conv_output_size(n, k, stride=1, padding="valid"):
    if padding == "valid":
        return (n - k) // stride + 1
    return -(-n // stride)
