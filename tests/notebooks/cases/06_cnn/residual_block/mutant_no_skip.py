# mistake: no_skip_connection
# no skip connection: relu(F(x)), a plain stack of two convolutions
def residual_block(x, filters, stride=1):
    y = keras.layers.Conv2D(filters, 3, strides=stride, padding="same", activation="relu")(x)
    y = keras.layers.Conv2D(filters, 3, padding="same")(y)
    if stride != 1 or x.shape[-1] != filters:
        keras.layers.Conv2D(filters, 1, strides=stride)(x)  # built, but never added
    return keras.layers.ReLU()(y)
