# the state is not carried: every step starts again from h = 0
def simple_rnn_forward(X, kernel, recurrent_kernel, bias, return_sequences=False):
    X = np.asarray(X, dtype=np.float64)
    h0 = np.zeros((X.shape[0], np.shape(recurrent_kernel)[0]))
    states = [np.tanh(X[:, t] @ kernel + h0 @ recurrent_kernel + bias) for t in range(X.shape[1])]
    return np.stack(states, axis=1) if return_sequences else states[-1]
