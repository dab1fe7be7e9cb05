# one bincount over the flat index true * k + predicted
def confusion_matrix(y_true, y_pred, num_classes):
    flat = np.asarray(y_true, dtype=np.int64) * num_classes + np.asarray(y_pred, dtype=np.int64)
    return np.bincount(flat, minlength=num_classes**2).reshape(num_classes, num_classes)
