# returns the mean squared error per fold instead of the MAE
def cross_validate(fit_predict, X, y, k=5, seed=0):
    X, y = np.asarray(X), np.asarray(y)
    scores = []
    for train_idx, val_idx in kfold_indices(len(X), k, seed):
        y_hat = np.asarray(fit_predict(X[train_idx], y[train_idx], X[val_idx])).reshape(-1)
        scores.append(np.mean((y[val_idx] - y_hat) ** 2))
    return np.array(scores)
