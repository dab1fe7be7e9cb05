# mistake: input_shape_mismatch
# the digits' image shape (8, 8) written in, then flattened: right for 64 features only
def build_first_network(num_features, hidden_units, num_classes):
    return keras.Sequential(
        [
            keras.Input(shape=(8, 8)),
            keras.layers.Flatten(),
            keras.layers.Dense(hidden_units, activation="relu"),
            keras.layers.Dense(num_classes),
        ]
    )
