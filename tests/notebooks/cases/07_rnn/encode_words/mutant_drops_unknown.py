# drops the characters that are not in the vocabulary
def encode_words(words, vocabulary, max_length):
    codes = np.zeros((len(words), max_length), dtype=np.int64)
    for row, word in enumerate(words):
        indices = [vocabulary[c] for c in word if c in vocabulary][-max_length:]
        if indices:
            codes[row, max_length - len(indices) :] = indices
    return codes
