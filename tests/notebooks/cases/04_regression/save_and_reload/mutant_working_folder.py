# saves into the working folder: leaves model.keras behind (and fails where it is read-only)
def save_and_reload(model):
    model.save("model.keras")
    return keras.models.load_model("model.keras")
