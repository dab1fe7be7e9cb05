# picks layers by trainable_weights, empty once a layer is frozen: a second call misses them
def set_trainable(base, num_trainable):
    base.trainable = True
    weighted = [layer for layer in base.layers if layer.trainable_weights]
    for position, layer in enumerate(weighted):
        layer.trainable = position >= len(weighted) - num_trainable
