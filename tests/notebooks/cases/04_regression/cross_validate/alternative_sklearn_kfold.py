# scikit-learn's KFold for the folds, and its mean_absolute_error for the scores
def cross_validate(fit_predict, X, y, k=5, seed=0):
    from sklearn.metrics import mean_absolute_error
    from sklearn.model_selection import KFold

    X, y = np.asarray(X), np.asarray(y)
    scores = np.zeros(k)
    splitter = KFold(n_splits=k, shuffle=True, random_state=seed)
    for i, (train_idx, val_idx) in enumerate(splitter.split(X)):
        y_hat = fit_predict(X[train_idx], y[train_idx], X[val_idx])
        scores[i] = mean_absolute_error(y[val_idx], np.ravel(y_hat))
    return scores
