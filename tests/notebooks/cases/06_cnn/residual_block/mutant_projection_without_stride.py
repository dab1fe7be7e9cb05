# the projection forgets the block's stride: Conv2D(filters, 1) on the skip path
def residual_block(x, filters, stride=1):
    y = keras.layers.Conv2D(filters, 3, strides=stride, padding="same", activation="relu")(x)
    y = keras.layers.Conv2D(filters, 3, padding="same")(y)
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = keras.layers.Conv2D(filters, 1)(x)
    return keras.layers.ReLU()(y + shortcut)
