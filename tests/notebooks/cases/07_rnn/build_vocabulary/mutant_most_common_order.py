# mistake: ties_not_alphabetical
# Mutant: Counter.most_common keeps equal counts in the order the words first occur.
def build_vocabulary(texts, max_tokens):
    import collections
    import string

    no_punctuation = str.maketrans("", "", string.punctuation)
    counts = collections.Counter(
        word for text in texts for word in str(text).lower().translate(no_punctuation).split()
    )
    words = [word for word, _ in counts.most_common(max_tokens - 2)]
    return {word: index for index, word in enumerate(words, start=2)}
