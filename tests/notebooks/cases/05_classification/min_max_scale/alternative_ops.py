# keras.ops, converted back to NumPy
def min_max_scale(X_train, X_val, X_test):
    X_train = ops.convert_to_tensor(X_train, dtype="float32")
    x_min, x_max = ops.min(X_train), ops.max(X_train)
    return tuple(
        ops.convert_to_numpy((ops.convert_to_tensor(X, dtype="float32") - x_min) / (x_max - x_min))
        for X in (X_train, X_val, X_test)
    )
