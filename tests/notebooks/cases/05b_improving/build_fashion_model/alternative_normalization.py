# pixels mapped to [-1, 1] by a Normalization layer with a fixed mean and variance
def build_fashion_model():
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            keras.layers.Normalization(mean=127.5, variance=127.5**2),
            keras.layers.Flatten(),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model
