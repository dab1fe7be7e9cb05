# mistake: padding_side
# Mutant: pads at the start, as pad_sequences and encode_words do, not at the end.
def vectorize(texts, vocabulary, length):
    import string

    no_punctuation = str.maketrans("", "", string.punctuation)
    codes = np.zeros((len(texts), length), dtype=np.int64)
    for row, text in enumerate(texts):
        words = str(text).lower().translate(no_punctuation).split()[:length]
        if words:
            codes[row, length - len(words) :] = [vocabulary.get(word, 1) for word in words]
    return codes
