# Mutant: lower-cases but keeps the punctuation, so "sat." is an unknown word.
def vectorize(texts, vocabulary, length):
    codes = np.zeros((len(texts), length), dtype=np.int64)
    for row, text in enumerate(texts):
        words = str(text).lower().split()[:length]
        codes[row, : len(words)] = [vocabulary.get(word, 1) for word in words]
    return codes
