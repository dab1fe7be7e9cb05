# cm[y_true, y_pred] += 1: a (true, predicted) pair that repeats is counted once
def confusion_matrix(y_true, y_pred, num_classes):
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    cm[np.asarray(y_true), np.asarray(y_pred)] += 1
    return cm
