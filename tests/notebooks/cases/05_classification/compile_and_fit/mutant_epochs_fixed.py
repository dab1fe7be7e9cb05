# mistake: fit_arguments_ignored
# always 20 epochs, whatever num_epochs says
def compile_and_fit(model, X_train, Y_train, X_val, Y_val, num_epochs=20, batch_size=32):
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.1),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model.fit(
        X_train,
        Y_train,
        epochs=20,
        batch_size=batch_size,
        validation_data=(X_val, Y_val),
        verbose=0,
    )
