# scikit-learn's StandardScaler, fitted on the training split only
def standardize(X_train, X_other):
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(np.asarray(X_train, dtype=np.float64))
    return (
        scaler.transform(np.asarray(X_train, dtype=np.float64)),
        scaler.transform(np.asarray(X_other, dtype=np.float64)),
    )
