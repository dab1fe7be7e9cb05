# the decoder ends in a sigmoid, so the loss (on logits) applies a second one
def build_vae(latent_dim):
    images = keras.Input(shape=(8, 8))
    x = keras.layers.Rescaling(1.0 / 16.0)(images)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(128, activation="relu")(x)
    x = keras.layers.Dense(64, activation="relu")(x)
    encoder = keras.Model(
        images, [keras.layers.Dense(latent_dim)(x), keras.layers.Dense(latent_dim)(x)]
    )
    codes = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(64, activation="relu")(codes)
    h = keras.layers.Dense(128, activation="relu")(h)
    pixels = keras.layers.Dense(64, activation="sigmoid")(h)
    decoder = keras.Model(codes, keras.layers.Reshape((8, 8))(pixels))
    return encoder, decoder
