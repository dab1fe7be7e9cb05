# forgets to standardise the inputs: the raw features (1 to 300) go straight into the network
def build_model(X_train, y_train):
    y_train = np.asarray(y_train, dtype=np.float64)
    model = keras.Sequential(
        [
            keras.Input(shape=(X_train.shape[1],)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(1),
            keras.layers.Rescaling(scale=float(y_train.std()), offset=float(y_train.mean())),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005), loss="mse", metrics=["mae"])
    return model
