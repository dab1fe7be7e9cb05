# multiplies the maps by the gradient position by position, not by each channel's mean gradient
def grad_cam(model, layer_name, images, class_index=None):
    images = np.asarray(images, dtype=np.float32)
    layer = model.get_layer(layer_name)
    features = keras.Model(model.inputs[0], layer.output)
    head = keras.Model(layer.output, model.outputs[0])
    maps = features(images, training=False)
    feature_maps = keras.Variable(maps)
    if class_index is None:
        class_index = ops.argmax(head(maps, training=False), axis=-1)
    classes = np.broadcast_to(ops.convert_to_numpy(class_index), (len(images),))[:, None]

    def total_score():
        logits = head(feature_maps, training=False)
        return ops.sum(ops.take_along_axis(logits, classes, axis=1))

    _, (grads,) = dlcourse.value_and_gradients(total_score, [feature_maps])
    alpha = grads
    cam = ops.convert_to_numpy(ops.relu(ops.sum(alpha * maps, axis=-1)))
    peak = cam.max(axis=(1, 2), keepdims=True)
    return np.divide(cam, peak, out=np.zeros_like(cam), where=peak > 0)
