# Alternative: scikit-learn's StandardScaler (population std, constant columns to 0).
def standardize_columns(X):
    from sklearn.preprocessing import StandardScaler

    return StandardScaler().fit_transform(np.asarray(X))
