# writes each state into a preallocated array
def simple_rnn_forward(X, kernel, recurrent_kernel, bias, return_sequences=False):
    X = np.asarray(X, dtype=np.float64)
    n, steps, _ = X.shape
    units = len(bias)
    out = np.empty((n, steps, units))
    previous = np.zeros((n, units))
    for t in range(steps):
        out[:, t, :] = np.tanh(
            np.dot(X[:, t, :], kernel) + np.dot(previous, recurrent_kernel) + bias
        )
        previous = out[:, t, :]
    return out if return_sequences else out[:, -1, :]
