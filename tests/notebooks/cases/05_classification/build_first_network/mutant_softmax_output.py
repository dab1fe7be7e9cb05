# mistake: probabilities_as_logits
# a softmax on the output layer: probabilities, not logits
def build_first_network(num_features, hidden_units, num_classes):
    return keras.Sequential(
        [
            keras.Input(shape=(num_features,)),
            keras.layers.Dense(hidden_units, activation="relu"),
            keras.layers.Dense(num_classes, activation="softmax"),
        ]
    )
