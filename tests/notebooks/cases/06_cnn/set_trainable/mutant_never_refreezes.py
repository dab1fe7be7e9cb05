# only ever unfreezes (it freezes only for num_trainable=0): a second call cannot refreeze layers
def set_trainable(base, num_trainable):
    if num_trainable == 0:
        base.trainable = False
        return
    base.trainable = True
    weighted = [layer for layer in base.layers if layer.weights]
    for layer in weighted[max(len(weighted) - num_trainable, 0) :]:
        layer.trainable = True
