# keras.ops in float64 (on any backend), converted to a Python float at the end
def huber_loss(y_true, y_pred, delta=1.0):
    error = ops.convert_to_tensor(y_pred, dtype="float64") - ops.convert_to_tensor(
        y_true, dtype="float64"
    )
    abs_error = ops.abs(error)
    losses = ops.where(
        abs_error <= delta, 0.5 * ops.square(error), delta * abs_error - 0.5 * delta**2
    )
    return float(ops.mean(losses))
