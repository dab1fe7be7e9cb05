# TensorFlow's confusion matrix (same layout: rows true, columns predicted)
def confusion_matrix(y_true, y_pred, num_classes):
    cm = tf.math.confusion_matrix(np.asarray(y_true), np.asarray(y_pred), num_classes=num_classes)
    return cm.numpy()
