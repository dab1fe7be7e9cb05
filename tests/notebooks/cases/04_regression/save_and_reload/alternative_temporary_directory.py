# a TemporaryDirectory that deletes itself; the loaded model lives on in memory
def save_and_reload(model):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        model.save(path)
        return keras.models.load_model(path)
