# mistake: skip_after_activation
# adds the skip path after the ReLU: relu(F(x)) + shortcut
def residual_block(x, filters, stride=1):
    y = keras.layers.Conv2D(filters, 3, strides=stride, padding="same", activation="relu")(x)
    y = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(y)
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = keras.layers.Conv2D(filters, 1, strides=stride)(x)
    return y + shortcut
