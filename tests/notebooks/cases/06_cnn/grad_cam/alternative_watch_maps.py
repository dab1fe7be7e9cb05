# one-hot class scores, tape.watch on the maps, an einsum, and divide_no_nan for the division
import tensorflow as tf  # a CPU/GPU runtime's; the set-up cell imports keras.ops only


def grad_cam(model, layer_name, images, class_index=None):
    layer = model.get_layer(layer_name)
    full = keras.Model(model.inputs[0], [layer.output, model.outputs[0]])
    with tf.GradientTape() as tape:
        maps, logits = full(np.asarray(images, dtype=np.float32), training=False)
        tape.watch(maps)
        if class_index is None:
            chosen = tf.one_hot(tf.argmax(logits, axis=1), logits.shape[1])
        else:
            classes = np.broadcast_to(np.asarray(class_index), (logits.shape[0],))
            chosen = tf.one_hot(classes, logits.shape[1])
        total = tf.reduce_sum(logits * chosen)
    grads = tape.gradient(total, maps)
    alpha = tf.reduce_mean(grads, axis=[1, 2])
    cam = tf.nn.relu(tf.einsum("nhwk,nk->nhw", maps, alpha))
    peak = tf.reduce_max(cam, axis=[1, 2], keepdims=True)
    return tf.math.divide_no_nan(cam, peak).numpy()
