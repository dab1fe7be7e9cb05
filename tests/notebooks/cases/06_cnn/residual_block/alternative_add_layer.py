# keras.layers.Add and an Activation layer, the projection with padding "same"
def residual_block(x, filters, stride=1):
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = keras.layers.Conv2D(filters, 1, strides=stride, padding="same")(x)
    y = keras.layers.Conv2D(filters, 3, strides=stride, padding="same")(x)
    y = keras.layers.Activation("relu")(y)
    y = keras.layers.Conv2D(filters, 3, padding="same")(y)
    y = keras.layers.Add()([shortcut, y])
    return keras.layers.Activation("relu")(y)
