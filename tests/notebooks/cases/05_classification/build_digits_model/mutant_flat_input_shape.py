# input shape (64,) for images of shape (8, 8): the model cannot take the images
def build_digits_model():
    model = keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Rescaling(1.0 / 16.0),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=1e-3),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model
