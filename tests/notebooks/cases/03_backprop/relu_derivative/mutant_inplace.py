# mistake: in_place
# overwrites the caller's array with 0 and 1
def relu_derivative(z):
    z[z > 0] = 1.0
    z[z <= 0] = 0.0
    return z
