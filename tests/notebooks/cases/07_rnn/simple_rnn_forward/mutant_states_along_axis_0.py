# stacks the states along axis 0: (T, n, u) instead of (n, T, u)
def simple_rnn_forward(X, kernel, recurrent_kernel, bias, return_sequences=False):
    X = np.asarray(X, dtype=np.float64)
    h = np.zeros((X.shape[0], np.shape(recurrent_kernel)[0]))
    states = []
    for t in range(X.shape[1]):
        h = np.tanh(X[:, t] @ kernel + h @ recurrent_kernel + bias)
        states.append(h)
    return np.stack(states) if return_sequences else h
