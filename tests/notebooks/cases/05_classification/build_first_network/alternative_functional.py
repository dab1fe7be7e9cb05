# the functional API, with the activation as its own layer
def build_first_network(num_features, hidden_units, num_classes):
    inputs = keras.Input(shape=(num_features,))
    hidden = keras.layers.Activation("relu")(keras.layers.Dense(hidden_units)(inputs))
    return keras.Model(inputs, keras.layers.Dense(num_classes)(hidden))
