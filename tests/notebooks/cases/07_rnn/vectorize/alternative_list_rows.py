# Each row built as a list (first L indices, then zeros) and stacked with np.array.
def vectorize(texts, vocabulary, length):
    import string

    rows = []
    for text in texts:
        text = "".join(c for c in str(text).lower() if c not in string.punctuation)
        indices = []
        for word in text.split():
            try:
                indices.append(vocabulary[word])
            except KeyError:
                indices.append(1)  # unknown
        rows.append((indices + [0] * length)[:length])
    return np.array(rows, dtype=np.int32).reshape(len(rows), length)
