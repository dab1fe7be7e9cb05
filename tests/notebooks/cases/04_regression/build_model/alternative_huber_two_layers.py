# two hidden layers and the Huber loss with delta half a standard deviation of y
def build_model(X_train, y_train):
    normalizer = keras.layers.Normalization(axis=-1)
    normalizer.adapt(X_train)
    y_std, y_mean = float(np.std(y_train)), float(np.mean(y_train))
    model = keras.Sequential(
        [
            keras.Input(shape=(X_train.shape[1],)),
            normalizer,
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(1),
            keras.layers.Rescaling(scale=y_std, offset=y_mean),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.003),
        loss=keras.losses.Huber(0.5 * y_std),
        metrics=["mae"],
    )
    return model
