# feeds the raw pixels 0-16 to the encoder without scaling them
def build_vae(latent_dim):
    images = keras.Input(shape=(8, 8))
    x = keras.layers.Flatten()(images)
    x = keras.layers.Dense(128, activation="relu")(x)
    x = keras.layers.Dense(64, activation="relu")(x)
    encoder = keras.Model(
        images, [keras.layers.Dense(latent_dim)(x), keras.layers.Dense(latent_dim)(x)]
    )
    codes = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(64, activation="relu")(codes)
    h = keras.layers.Dense(128, activation="relu")(h)
    decoder = keras.Model(codes, keras.layers.Reshape((8, 8))(keras.layers.Dense(64)(h)))
    return encoder, decoder
