# mistake: wrong_learning_rate
# optimizer="sgd": SGD with its default learning rate 0.01
def compile_and_fit(model, X_train, Y_train, X_val, Y_val, num_epochs=20, batch_size=32):
    model.compile(
        optimizer="sgd",
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
