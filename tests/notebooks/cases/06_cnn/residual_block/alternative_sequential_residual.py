# F as a small keras.Sequential called on x, the skip path and the ReLU with keras.ops
def residual_block(x, filters, stride=1):
    residual = keras.Sequential(
        [
            keras.layers.Conv2D(filters, (3, 3), strides=(stride, stride), padding="same"),
            keras.layers.ReLU(),
            keras.layers.Conv2D(filters, (3, 3), padding="same"),
        ]
    )
    channels = ops.shape(x)[-1]
    needs_projection = stride > 1 or channels != filters
    shortcut = keras.layers.Conv2D(filters, (1, 1), strides=stride)(x) if needs_projection else x
    return ops.relu(ops.add(residual(x), shortcut))
