# numbers the characters in order of first appearance, not sorted
def char_vocabulary(words):
    vocabulary = {}
    for word in words:
        for character in word:
            if character not in vocabulary:
                vocabulary[character] = len(vocabulary) + 2
    return vocabulary
