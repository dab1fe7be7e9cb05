# A dict of counts filled by loops, and sorted on (-count, word).
def build_vocabulary(texts, max_tokens):
    import string

    counts = {}
    for text in texts:
        text = str(text).lower()
        for character in string.punctuation:
            text = text.replace(character, "")
        for word in text.split():
            counts[word] = counts.get(word, 0) + 1
    pairs = sorted((-count, word) for word, count in counts.items())
    vocabulary = {}
    for _, word in pairs[: max_tokens - 2]:
        vocabulary[word] = len(vocabulary) + 2
    return vocabulary
