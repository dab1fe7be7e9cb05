# mistake: input_shape_mismatch
# no keras.Input: the model is not built until it is first called
def build_first_network(num_features, hidden_units, num_classes):
    return keras.Sequential(
        [
            keras.layers.Dense(hidden_units, activation="relu"),
            keras.layers.Dense(num_classes),
        ]
    )
