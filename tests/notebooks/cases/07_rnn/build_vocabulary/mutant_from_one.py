# mistake: reserved_indices
# Mutant: numbers the words from 1, so the most frequent word takes the unknown index.
def build_vocabulary(texts, max_tokens):
    import collections
    import string

    no_punctuation = str.maketrans("", "", string.punctuation)
    counts = collections.Counter(
        word for text in texts for word in str(text).lower().translate(no_punctuation).split()
    )
    words = sorted(counts, key=lambda word: (-counts[word], word))
    return {word: index for index, word in enumerate(words[: max_tokens - 1], start=1)}
