# averages the character embeddings: knows which letters occur, not their order
def build_word_classifier(vocab_size, max_length, num_classes):
    model = keras.Sequential(
        [
            keras.Input(shape=(max_length,), dtype="int32"),
            keras.layers.Embedding(vocab_size, 16),
            keras.layers.GlobalAveragePooling1D(),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(num_classes),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model
