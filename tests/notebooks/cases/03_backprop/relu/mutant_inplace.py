# mistake: in_place
# zeroes the negative entries of the caller's array
def relu(z):
    z[z < 0] = 0.0
    return z
