# pads every word to the longest word of the list and ignores max_length
def encode_words(words, vocabulary, max_length):
    length = max(len(word) for word in words)
    codes = np.zeros((len(words), length), dtype=np.int64)
    for row, word in enumerate(words):
        indices = [vocabulary.get(c, 1) for c in word]
        if indices:
            codes[row, length - len(indices) :] = indices
    return codes
