# TensorFlow's confusion matrix (same layout: rows true, columns predicted)
# (on a CPU or GPU runtime, where TensorFlow is installed; the set-up cell does not
# import it)
import tensorflow as tf


def confusion_matrix(y_true, y_pred, num_classes):
    cm = tf.math.confusion_matrix(np.asarray(y_true), np.asarray(y_pred), num_classes=num_classes)
    return cm.numpy()
