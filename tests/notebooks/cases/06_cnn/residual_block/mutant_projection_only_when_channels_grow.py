# projects only when the block adds channels (or strides): fewer filters than channels fails
def residual_block(x, filters, stride=1):
    y = keras.layers.Conv2D(filters, 3, strides=stride, padding="same", activation="relu")(x)
    y = keras.layers.Conv2D(filters, 3, padding="same")(y)
    shortcut = x
    if stride != 1 or filters > x.shape[-1]:
        shortcut = keras.layers.Conv2D(filters, 1, strides=stride)(x)
    return keras.layers.ReLU()(y + shortcut)
