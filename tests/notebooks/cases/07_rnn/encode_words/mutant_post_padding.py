# pads at the end instead of the start
def encode_words(words, vocabulary, max_length):
    codes = np.zeros((len(words), max_length), dtype=np.int64)
    for row, word in enumerate(words):
        indices = [vocabulary.get(c, 1) for c in word][-max_length:]
        codes[row, : len(indices)] = indices
    return codes
