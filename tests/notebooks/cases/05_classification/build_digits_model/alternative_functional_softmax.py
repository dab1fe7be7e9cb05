# the functional API, a softmax output and a loss on probabilities
def build_digits_model():
    inputs = keras.Input(shape=(8, 8))
    x = keras.layers.Flatten()(inputs)
    x = keras.layers.Rescaling(1.0 / 16.0)(x)
    x = keras.layers.Dense(128, activation="relu")(x)
    outputs = keras.layers.Dense(10, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
