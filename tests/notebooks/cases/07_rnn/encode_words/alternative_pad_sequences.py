# keras.utils.pad_sequences with padding and truncation at the start
def encode_words(words, vocabulary, max_length):
    sequences = [[vocabulary.get(character, 1) for character in word] for word in words]
    return keras.utils.pad_sequences(
        sequences, maxlen=max_length, padding="pre", truncating="pre", value=0
    )
