# mistake: in_place
# shifts the caller's array in place: np.asarray of a float64 array is that same array
def softmax(z, temperature=1.0):
    z = np.asarray(z, dtype=np.float64)
    z -= z.max(axis=-1, keepdims=True)
    z /= temperature
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)
