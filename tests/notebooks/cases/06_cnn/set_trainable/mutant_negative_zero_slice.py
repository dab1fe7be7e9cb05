# unfreezes weighted[-num_trainable:], which for num_trainable=0 is every layer
def set_trainable(base, num_trainable):
    base.trainable = True
    weighted = [layer for layer in base.layers if layer.weights]
    for layer in weighted:
        layer.trainable = False
    for layer in weighted[-num_trainable:]:
        layer.trainable = True
