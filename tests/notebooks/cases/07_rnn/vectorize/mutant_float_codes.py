# Mutant: returns the indices as floats (np.zeros' default dtype), not integers.
def vectorize(texts, vocabulary, length):
    import string

    no_punctuation = str.maketrans("", "", string.punctuation)
    codes = np.zeros((len(texts), length))
    for row, text in enumerate(texts):
        words = str(text).lower().translate(no_punctuation).split()[:length]
        codes[row, : len(words)] = [vocabulary.get(word, 1) for word in words]
    return codes
