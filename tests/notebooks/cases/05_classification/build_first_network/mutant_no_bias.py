# mistake: missing_bias
# dense layers without biases
def build_first_network(num_features, hidden_units, num_classes):
    return keras.Sequential(
        [
            keras.Input(shape=(num_features,)),
            keras.layers.Dense(hidden_units, activation="relu", use_bias=False),
            keras.layers.Dense(num_classes, use_bias=False),
        ]
    )
