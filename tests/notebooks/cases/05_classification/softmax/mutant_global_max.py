# mistake: no_stabilisation
# subtracts the batch's largest logit, not each row's: a row far below it underflows to 0/0
def softmax(z, temperature=1.0):
    z = np.asarray(z, dtype=np.float64) / temperature
    e = np.exp(z - z.max())
    return e / e.sum(axis=-1, keepdims=True)
