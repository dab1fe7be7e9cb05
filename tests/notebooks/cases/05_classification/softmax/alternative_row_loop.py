# one row at a time, shifting before dividing by the temperature
def softmax(z, temperature=1.0):
    z = np.asarray(z, dtype=np.float64)
    rows = z.reshape(-1, z.shape[-1])
    out = np.empty_like(rows)
    for i, row in enumerate(rows):
        e = np.exp((row - row.max()) / temperature)
        out[i] = e / e.sum()
    return out.reshape(z.shape)
