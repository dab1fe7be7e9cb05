# compiles with a classification loss (binary cross-entropy) for a regression target
def build_model(X_train, y_train):
    normalizer = keras.layers.Normalization()
    normalizer.adapt(np.asarray(X_train, dtype=np.float32))
    y_train = np.asarray(y_train, dtype=np.float64)
    model = keras.Sequential(
        [
            keras.Input(shape=(X_train.shape[1],)),
            normalizer,
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(1),
            keras.layers.Rescaling(scale=float(y_train.std()), offset=float(y_train.mean())),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.005),
        loss="binary_crossentropy",
        metrics=["mae"],
    )
    return model
