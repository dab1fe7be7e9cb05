# a ReLU on the log-variance head "to keep the variance positive": it can never go below 1
def build_vae(latent_dim):
    images = keras.Input(shape=(8, 8))
    x = keras.layers.Rescaling(1.0 / 16.0)(images)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(128, activation="relu")(x)
    x = keras.layers.Dense(64, activation="relu")(x)
    mean = keras.layers.Dense(latent_dim)(x)
    log_var = keras.layers.Dense(latent_dim, activation="relu")(x)
    encoder = keras.Model(images, [mean, log_var])
    codes = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(64, activation="relu")(codes)
    h = keras.layers.Dense(128, activation="relu")(h)
    decoder = keras.Model(codes, keras.layers.Reshape((8, 8))(keras.layers.Dense(64)(h)))
    return encoder, decoder
