# Mutant: relies on TensorFlow's own errors, which are not ValueError.
def dense_forward(X, W, b):
    return tf.matmul(X, W) + b
