# mistake: transposed
# multiplies the state by U transposed
def simple_rnn_forward(X, kernel, recurrent_kernel, bias, return_sequences=False):
    X = np.asarray(X, dtype=np.float64)
    h = np.zeros((X.shape[0], np.shape(recurrent_kernel)[0]))
    states = []
    for t in range(X.shape[1]):
        h = np.tanh(X[:, t] @ kernel + h @ np.asarray(recurrent_kernel).T + bias)
        states.append(h)
    return np.stack(states, axis=1) if return_sequences else h
