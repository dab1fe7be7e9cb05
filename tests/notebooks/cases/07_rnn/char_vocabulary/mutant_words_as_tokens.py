# indexes the words, not their characters
def char_vocabulary(words):
    return {word: index for index, word in enumerate(sorted(set(words)), start=2)}
