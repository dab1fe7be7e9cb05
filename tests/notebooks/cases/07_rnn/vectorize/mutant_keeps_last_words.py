# mistake: padding_side
# Mutant: truncates at the start, so a long text keeps its last words instead of its first.
def vectorize(texts, vocabulary, length):
    import string

    no_punctuation = str.maketrans("", "", string.punctuation)
    codes = np.zeros((len(texts), length), dtype=np.int64)
    for row, text in enumerate(texts):
        words = str(text).lower().translate(no_punctuation).split()[-length:]
        codes[row, : len(words)] = [vocabulary.get(word, 1) for word in words]
    return codes
