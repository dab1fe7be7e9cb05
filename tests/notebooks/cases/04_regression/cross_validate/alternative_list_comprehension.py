# a list comprehension over the folds, predictions squeezed along their last axis
def cross_validate(fit_predict, X, y, k=5, seed=0):
    def fold_mae(train_idx, val_idx):
        y_hat = np.asarray(fit_predict(X[train_idx], y[train_idx], X[val_idx]), dtype=float)
        y_hat = y_hat[:, 0] if y_hat.ndim == 2 else y_hat
        return np.abs(y[val_idx] - y_hat).mean()

    return np.array([fold_mae(t, v) for t, v in kfold_indices(len(X), k, seed)])
