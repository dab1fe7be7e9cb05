# datasets for both sets, the validation one in batches of batch_size; returns model.history
def compile_and_fit(model, X_train, Y_train, X_val, Y_val, num_epochs=20, batch_size=32):
    model.compile(
        optimizer=keras.optimizers.SGD(0.1),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(
        data.as_dataset(X_train, Y_train, batch_size=batch_size, shuffle=True, seed=3),
        validation_data=data.as_dataset(X_val, Y_val, batch_size=batch_size),
        epochs=num_epochs,
        shuffle=False,
        verbose=0,
    )
    return model.history
