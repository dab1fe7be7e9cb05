# standardises the inputs but not the target: the output must climb from 0 to ~150 by itself
def build_model(X_train, y_train):
    normalizer = keras.layers.Normalization()
    normalizer.adapt(np.asarray(X_train, dtype=np.float32))
    model = keras.Sequential(
        [
            keras.Input(shape=(X_train.shape[1],)),
            normalizer,
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005), loss="mse", metrics=["mae"])
    return model
