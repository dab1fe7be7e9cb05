# an unknown character becomes 0, the padding index
def encode_words(words, vocabulary, max_length):
    codes = np.zeros((len(words), max_length), dtype=np.int64)
    for row, word in enumerate(words):
        indices = [vocabulary.get(c, 0) for c in word][-max_length:]
        if indices:
            codes[row, max_length - len(indices) :] = indices
    return codes
