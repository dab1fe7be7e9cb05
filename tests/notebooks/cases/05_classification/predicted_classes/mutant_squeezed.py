# squeezes the result: a 0-d array for a batch of one example
def predicted_classes(model, X):
    return np.squeeze(np.argmax(model.predict(X, verbose=0), axis=-1))
