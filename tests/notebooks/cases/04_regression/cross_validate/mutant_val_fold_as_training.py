# swaps the pair: trains on the validation fold and scores on the training part
def cross_validate(fit_predict, X, y, k=5, seed=0):
    X, y = np.asarray(X), np.asarray(y)
    scores = []
    for val_idx, train_idx in kfold_indices(len(X), k, seed):
        y_hat = np.asarray(fit_predict(X[train_idx], y[train_idx], X[val_idx])).reshape(-1)
        scores.append(np.mean(np.abs(y[val_idx] - y_hat)))
    return np.array(scores)
