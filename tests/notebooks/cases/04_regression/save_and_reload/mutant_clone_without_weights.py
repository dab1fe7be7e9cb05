# clones the architecture only: the copy has freshly initialised weights
def save_and_reload(model):
    copy = keras.models.clone_model(model)
    copy.compile(optimizer=keras.optimizers.Adam(), loss="mse")
    return copy
