# saves the file but returns the model it was given instead of the one read back
def save_and_reload(model):
    import os
    import tempfile

    path = os.path.join(tempfile.mkdtemp(), "model.keras")
    model.save(path)
    keras.models.load_model(path)
    return model
