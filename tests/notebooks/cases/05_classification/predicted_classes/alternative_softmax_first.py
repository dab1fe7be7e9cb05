# the argmax of the probabilities: softmax keeps the order of the logits
def predicted_classes(model, X):
    probabilities = ops.softmax(model(X, training=False), axis=-1)
    return ops.convert_to_numpy(ops.argmax(probabilities, axis=-1))
