# a float array of codes: an Embedding layer wants integers
def encode_words(words, vocabulary, max_length):
    codes = np.zeros((len(words), max_length))
    for row, word in enumerate(words):
        indices = [vocabulary.get(c, 1) for c in word][-max_length:]
        if indices:
            codes[row, max_length - len(indices) :] = indices
    return codes
