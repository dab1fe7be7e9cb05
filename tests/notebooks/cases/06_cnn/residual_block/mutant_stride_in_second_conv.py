# downsamples in the second 3x3 convolution instead of the first
def residual_block(x, filters, stride=1):
    y = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    y = keras.layers.Conv2D(filters, 3, strides=stride, padding="same")(y)
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = keras.layers.Conv2D(filters, 1, strides=stride)(x)
    return keras.layers.ReLU()(y + shortcut)
