# walks the layers from the top with a counter, using count_params to find layers with weights
def set_trainable(base, num_trainable):
    base.trainable = True
    left = num_trainable
    for layer in reversed(base.layers):
        if layer.count_params() == 0:
            continue
        layer.trainable = left > 0
        left -= 1
