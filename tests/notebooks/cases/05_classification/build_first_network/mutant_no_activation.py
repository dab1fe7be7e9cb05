# mistake: linear_hidden_layer
# the hidden layer has no activation: the whole network is linear
def build_first_network(num_features, hidden_units, num_classes):
    return keras.Sequential(
        [
            keras.Input(shape=(num_features,)),
            keras.layers.Dense(hidden_units),
            keras.layers.Dense(num_classes),
        ]
    )
