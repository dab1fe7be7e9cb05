# keras.saving.save_model / load_model, in a folder made with tempfile.mkdtemp
def save_and_reload(model):
    import tempfile

    folder = tempfile.mkdtemp(prefix="save-and-reload-")
    keras.saving.save_model(model, f"{folder}/model.keras")
    return keras.saving.load_model(f"{folder}/model.keras")
