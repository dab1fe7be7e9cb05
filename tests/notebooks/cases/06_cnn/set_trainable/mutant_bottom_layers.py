# unfreezes the bottom layers (nearest the input) instead of the top ones
def set_trainable(base, num_trainable):
    base.trainable = True
    weighted = [layer for layer in base.layers if layer.weights]
    for position, layer in enumerate(weighted):
        layer.trainable = position < num_trainable
