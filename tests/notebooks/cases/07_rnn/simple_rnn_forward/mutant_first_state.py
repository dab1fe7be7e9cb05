# returns the first state h_1 instead of the last one
def simple_rnn_forward(X, kernel, recurrent_kernel, bias, return_sequences=False):
    X = np.asarray(X, dtype=np.float64)
    h = np.zeros((X.shape[0], np.shape(recurrent_kernel)[0]))
    states = []
    for t in range(X.shape[1]):
        h = np.tanh(X[:, t] @ kernel + h @ recurrent_kernel + bias)
        states.append(h)
    return np.stack(states, axis=1) if return_sequences else states[0]
