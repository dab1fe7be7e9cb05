# mistake: document_frequency
# Mutant: counts in how many texts each word occurs, not how often it occurs.
def build_vocabulary(texts, max_tokens):
    import collections
    import string

    no_punctuation = str.maketrans("", "", string.punctuation)
    counts = collections.Counter()
    for text in texts:
        counts.update(set(str(text).lower().translate(no_punctuation).split()))
    words = sorted(counts, key=lambda word: (-counts[word], word))
    return {word: index for index, word in enumerate(words[: max_tokens - 2], start=2)}
