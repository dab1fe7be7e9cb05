# the largest score of each row, not its index
def predicted_classes(model, X):
    return model.predict(X, verbose=0).max(axis=1)
