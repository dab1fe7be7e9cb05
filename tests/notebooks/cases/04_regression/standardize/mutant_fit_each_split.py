# standardises each split with its own statistics (fits a second scaler on the other split)
def standardize(X_train, X_other):
    def own_scale(X):
        X = np.asarray(X, dtype=np.float64)
        std = X.std(axis=0)
        return (X - X.mean(axis=0)) / np.where(std == 0.0, 1.0, std)

    return own_scale(X_train), own_scale(X_other)
