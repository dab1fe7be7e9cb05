# math.floor and math.ceil, and a dict of formulas
import math


def conv_output_size(n, k, stride=1, padding="valid"):
    formulas = {
        "valid": lambda: math.floor((n - k) / stride) + 1,
        "same": lambda: math.ceil(n / stride),
    }
    if padding not in formulas:
        raise ValueError(f"padding must be 'valid' or 'same', not {padding!r}")
    return formulas[padding]()
