# replaces: conv_output_size
# a broken Part 1 that returns floats: max_pool2d is graded with the reference
def conv_output_size(n, k, stride=1, padding="valid"):
    if padding == "same":
        return n / stride
    return (n - k) / stride + 1
