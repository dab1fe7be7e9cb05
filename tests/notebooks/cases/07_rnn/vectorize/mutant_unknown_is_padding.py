# mistake: unknown_token
# Mutant: gives an unknown word 0, the padding index, instead of 1.
def vectorize(texts, vocabulary, length):
    import string

    no_punctuation = str.maketrans("", "", string.punctuation)
    codes = np.zeros((len(texts), length), dtype=np.int64)
    for row, text in enumerate(texts):
        words = str(text).lower().translate(no_punctuation).split()[:length]
        codes[row, : len(words)] = [vocabulary.get(word, 0) for word in words]
    return codes
