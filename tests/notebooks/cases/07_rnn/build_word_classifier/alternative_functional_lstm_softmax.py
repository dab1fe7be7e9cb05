# the functional API, a masked embedding, an LSTM and a softmax output
def build_word_classifier(vocab_size, max_length, num_classes):
    inputs = keras.Input(shape=(max_length,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, 24, mask_zero=True)(inputs)
    x = keras.layers.LSTM(40)(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model
