# mistake: fit_arguments_ignored
# the whole training set as one batch, whatever batch_size says
def compile_and_fit(model, X_train, Y_train, X_val, Y_val, num_epochs=20, batch_size=32):
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.1),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model.fit(
        X_train,
        Y_train,
        epochs=num_epochs,
        batch_size=len(X_train),
        validation_data=(X_val, Y_val),
        verbose=0,
    )
