# keras.ops in float64 (on any backend), with the input projection computed for all steps
# at once
def simple_rnn_forward(X, kernel, recurrent_kernel, bias, return_sequences=False):
    X = ops.convert_to_tensor(X, dtype="float64")
    U = ops.convert_to_tensor(recurrent_kernel, dtype="float64")
    projected = ops.einsum("ntf,fu->ntu", X, ops.convert_to_tensor(kernel, dtype="float64"))
    projected = projected + ops.convert_to_tensor(bias, dtype="float64")
    h = ops.zeros((X.shape[0], U.shape[0]), dtype="float64")
    states = []
    for t in range(X.shape[1]):
        h = ops.tanh(projected[:, t] + ops.matmul(h, U))
        states.append(h)
    return ops.convert_to_numpy(ops.stack(states, axis=1) if return_sequences else h)
