# np.unique of the characters (sorted), as Python ints
def char_vocabulary(words):
    characters = np.unique(list("".join(str(word) for word in words)))
    return {str(c): int(i) + 2 for i, c in enumerate(characters)}
