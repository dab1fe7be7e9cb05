# loads with compile=False: the weights come back, the optimizer and loss do not
def save_and_reload(model):
    import os
    import tempfile

    path = os.path.join(tempfile.mkdtemp(), "model.keras")
    model.save(path)
    return keras.models.load_model(path, compile=False)
