# a loss for one-hot labels (CategoricalCrossentropy) with sparse integer labels
def build_word_classifier(vocab_size, max_length, num_classes):
    model = keras.Sequential(
        [
            keras.Input(shape=(max_length,), dtype="int32"),
            keras.layers.Embedding(vocab_size, 16),
            keras.layers.GRU(32),
            keras.layers.Dense(num_classes),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model
