# mistake: wrong_axis
# divides by the sum over the whole batch: the batch sums to 1, not each row
def softmax(z, temperature=1.0):
    z = np.asarray(z, dtype=np.float64) / temperature
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum()
