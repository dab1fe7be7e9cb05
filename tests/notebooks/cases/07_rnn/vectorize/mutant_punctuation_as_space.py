# Mutant: replaces punctuation by a space instead of deleting it, so "it's" becomes "it" and
# "s", two words, where TextVectorization has the one word "its".
def vectorize(texts, vocabulary, length):
    import string

    to_space = str.maketrans(string.punctuation, " " * len(string.punctuation))
    codes = np.zeros((len(texts), length), dtype=np.int64)
    for row, text in enumerate(texts):
        words = str(text).lower().translate(to_space).split()[:length]
        codes[row, : len(words)] = [vocabulary.get(word, 1) for word in words]
    return codes
