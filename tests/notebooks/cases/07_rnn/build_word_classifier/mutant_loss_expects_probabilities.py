# mistake: logits_as_probabilities
# outputs logits, but the loss keeps from_logits=False and reads them as probabilities
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
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=["accuracy"],
    )
    return model
