# a Sequential built with add(), activation given as a function
def build_first_network(num_features, hidden_units, num_classes):
    model = keras.Sequential()
    model.add(keras.Input(shape=(num_features,)))
    model.add(keras.layers.Dense(hidden_units, activation=keras.activations.relu))
    model.add(keras.layers.Dense(num_classes, activation=None))
    return model
