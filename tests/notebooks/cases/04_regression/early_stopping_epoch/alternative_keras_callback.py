# drives keras.callbacks.EarlyStopping itself with a stand-in model
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    class StandIn:
        stop_training = False

        def get_weights(self):
            return []

    callback = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=patience, min_delta=min_delta, restore_best_weights=True
    )
    callback.set_model(StandIn())
    callback.on_train_begin()
    for epoch, loss in enumerate(val_losses):
        callback.on_epoch_end(epoch, {"val_loss": float(loss)})
        if callback.model.stop_training:
            return epoch, callback.best_epoch
    return None, callback.best_epoch
