# mistake: ties_not_alphabetical
# Mutant: sorts (count, word) in reverse, which puts equal counts in reverse alphabetical order
# (what TextVectorization does, not what the task asks).
def build_vocabulary(texts, max_tokens):
    import collections
    import string

    no_punctuation = str.maketrans("", "", string.punctuation)
    counts = collections.Counter(
        word for text in texts for word in str(text).lower().translate(no_punctuation).split()
    )
    words = sorted(counts, key=lambda word: (counts[word], word), reverse=True)
    return {word: index for index, word in enumerate(words[: max_tokens - 2], start=2)}
