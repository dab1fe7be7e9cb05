# mistake: unknown_token
# Mutant: skips the words that are not in the vocabulary instead of writing 1.
def vectorize(texts, vocabulary, length):
    import string

    no_punctuation = str.maketrans("", "", string.punctuation)
    codes = np.zeros((len(texts), length), dtype=np.int64)
    for row, text in enumerate(texts):
        words = str(text).lower().translate(no_punctuation).split()
        indices = [vocabulary[word] for word in words if word in vocabulary][:length]
        codes[row, : len(indices)] = indices
    return codes
