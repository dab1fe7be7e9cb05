# one Dense(2 * latent_dim) head split in two; tanh hidden layers; a Sequential decoder
def build_vae(latent_dim):
    images = keras.Input(shape=(8, 8))
    x = keras.layers.Flatten()(images)
    x = keras.layers.Rescaling(1.0 / 16.0)(x)
    x = keras.layers.Dense(128, activation="tanh")(x)
    both = keras.layers.Dense(2 * latent_dim)(x)
    mean = keras.layers.Lambda(lambda t: t[:, :latent_dim])(both)
    log_var = keras.layers.Lambda(lambda t: t[:, latent_dim:])(both)
    encoder = keras.Model(images, [mean, log_var])
    decoder = keras.Sequential(
        [
            keras.Input(shape=(latent_dim,)),
            keras.layers.Dense(128, activation="tanh"),
            keras.layers.Dense(64),
            keras.layers.Reshape((8, 8)),
        ]
    )
    return encoder, decoder
