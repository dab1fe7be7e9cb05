# scores the predictions against the training part's targets, in the training rows' order
def cross_validate(fit_predict, X, y, k=5, seed=0):
    X, y = np.asarray(X), np.asarray(y)
    scores = []
    for train_idx, _ in kfold_indices(len(X), k, seed):
        y_hat = np.asarray(fit_predict(X[train_idx], y[train_idx], X[train_idx])).reshape(-1)
        scores.append(np.mean(np.abs(y[train_idx] - y_hat)))
    return np.array(scores)
