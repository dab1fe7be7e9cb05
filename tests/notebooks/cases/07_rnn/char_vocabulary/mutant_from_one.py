# numbers the characters from 1: the first character collides with "unknown"
def char_vocabulary(words):
    return {c: i for i, c in enumerate(sorted(set("".join(words))), start=1)}
