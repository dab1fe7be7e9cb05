# counts every layer from the top, pooling and flatten included, not only layers with weights
def set_trainable(base, num_trainable):
    base.trainable = True
    for position, layer in enumerate(base.layers):
        layer.trainable = position >= len(base.layers) - num_trainable
