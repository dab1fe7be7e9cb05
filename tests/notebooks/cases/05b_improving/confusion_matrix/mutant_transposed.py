# mistake: transposed
# rows are the predicted class and columns the true class
def confusion_matrix(y_true, y_pred, num_classes):
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    for t, p in zip(y_true, y_pred, strict=True):
        cm[p, t] += 1
    return cm
