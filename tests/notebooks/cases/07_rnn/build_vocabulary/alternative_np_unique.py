# np.unique counts the words; np.lexsort orders them by count, then alphabetically.
def build_vocabulary(texts, max_tokens):
    import re
    import string

    punctuation = re.compile(f"[{re.escape(string.punctuation)}]")
    tokens = [word for text in texts for word in punctuation.sub("", str(text).lower()).split()]
    if not tokens:
        return {}
    words, counts = np.unique(np.array(tokens), return_counts=True)  # sorted words
    order = np.lexsort((words, -counts))  # last key first: count, then the word
    kept = words[order][: max(max_tokens - 2, 0)]
    return {str(word): int(index) for index, word in enumerate(kept, start=2)}
