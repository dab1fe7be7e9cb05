# Mutant: lower-cases but keeps the punctuation, so "sat." and "sat" are two words.
def build_vocabulary(texts, max_tokens):
    import collections

    counts = collections.Counter(word for text in texts for word in str(text).lower().split())
    words = sorted(counts, key=lambda word: (-counts[word], word))
    return {word: index for index, word in enumerate(words[: max_tokens - 2], start=2)}
