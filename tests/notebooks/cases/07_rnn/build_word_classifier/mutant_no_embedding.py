# no embedding: the raw indices go into the GRU as numbers, as if "k" were twice "e"
def build_word_classifier(vocab_size, max_length, num_classes):
    model = keras.Sequential(
        [
            keras.Input(shape=(max_length,), dtype="int32"),
            keras.layers.Rescaling(1.0 / vocab_size),
            keras.layers.Reshape((max_length, 1)),
            keras.layers.GRU(32),
            keras.layers.Dense(num_classes),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model
