# freezes every layer, then unfreezes the top ones (the parent itself stays trainable)
def set_trainable(base, num_trainable):
    base.trainable = True
    weighted = [layer for layer in base.layers if len(layer.weights) > 0]
    for layer in weighted:
        layer.trainable = False
    if num_trainable > 0:
        for layer in weighted[-num_trainable:]:
            layer.trainable = True
