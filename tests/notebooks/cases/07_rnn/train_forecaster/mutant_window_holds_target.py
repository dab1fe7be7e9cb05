# mistake: off_by_one_window
# off-by-one windows: each training window ends with its own target, so the model learns to copy
def train_forecaster(series_train, window, horizon=1):
    series_train = np.asarray(series_train, dtype=np.float64)
    X, y = make_windows(series_train, window, horizon)
    X = np.stack([series_train[i + horizon : i + horizon + window] for i in range(len(y))])
    X = X[:, :, np.newaxis]  # window i now ends at series[i + window - 1 + horizon] = y[i]
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
