# mistake: input_shape_mismatch
# the batch axis written into the input shape: keras.Input(shape=(None, d))
def build_first_network(num_features, hidden_units, num_classes):
    return keras.Sequential(
        [
            keras.Input(shape=(None, num_features)),
            keras.layers.Dense(hidden_units, activation="relu"),
            keras.layers.Dense(num_classes),
        ]
    )
