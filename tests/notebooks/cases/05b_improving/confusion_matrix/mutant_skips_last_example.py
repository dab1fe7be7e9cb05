# an off-by-one loop that never counts the last example
def confusion_matrix(y_true, y_pred, num_classes):
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    for i in range(len(y_true) - 1):
        cm[y_true[i], y_pred[i]] += 1
    return cm
