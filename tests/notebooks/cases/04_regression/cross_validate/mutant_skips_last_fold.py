# mistake: off_by_one
# loops over range(k - 1): the last fold is never trained or scored
def cross_validate(fit_predict, X, y, k=5, seed=0):
    X, y = np.asarray(X), np.asarray(y)
    folds = kfold_indices(len(X), k, seed)
    scores = []
    for i in range(k - 1):
        train_idx, val_idx = folds[i]
        y_hat = np.asarray(fit_predict(X[train_idx], y[train_idx], X[val_idx])).reshape(-1)
        scores.append(np.mean(np.abs(y[val_idx] - y_hat)))
    return np.array(scores)
