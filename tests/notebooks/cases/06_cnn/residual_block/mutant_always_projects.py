# projects x with a 1x1 convolution even when the stride is 1 and the channels match
def residual_block(x, filters, stride=1):
    y = keras.layers.Conv2D(filters, 3, strides=stride, padding="same", activation="relu")(x)
    y = keras.layers.Conv2D(filters, 3, padding="same")(y)
    shortcut = keras.layers.Conv2D(filters, 1, strides=stride)(x)
    return keras.layers.ReLU()(y + shortcut)
