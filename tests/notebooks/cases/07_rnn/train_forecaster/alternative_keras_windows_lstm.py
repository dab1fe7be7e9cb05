# windows from keras.utils.timeseries_dataset_from_array, a Normalization layer and an LSTM
def train_forecaster(series_train, window, horizon=1):
    series = np.asarray(series_train, dtype=np.float32)
    targets = series[window - 1 + horizon :]
    dataset = keras.utils.timeseries_dataset_from_array(
        series[:-horizon, None],
        targets,
        sequence_length=window,
        batch_size=16,
        shuffle=True,
        seed=0,
    )
    normalizer = keras.layers.Normalization(axis=None)
    normalizer.adapt(series)
    mean, std = float(series.mean()), float(series.std())
    inputs = keras.Input(shape=(window, 1))
    hidden = keras.layers.LSTM(24)(normalizer(inputs))
    outputs = keras.layers.Rescaling(std, offset=mean)(keras.layers.Dense(1)(hidden))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    model.fit(dataset, epochs=10, shuffle=False, verbose=0)
    return model
