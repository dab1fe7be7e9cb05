# The indices as lists, padded and truncated at the end by keras.utils.pad_sequences.
def vectorize(texts, vocabulary, length):
    import re
    import string

    punctuation = re.compile(f"[{re.escape(string.punctuation)}]")
    sequences = [
        [vocabulary.get(word, 1) for word in punctuation.sub("", str(text).lower()).split()]
        for text in texts
    ]
    return keras.utils.pad_sequences(
        sequences, maxlen=length, padding="post", truncating="post", value=0, dtype="int64"
    )
