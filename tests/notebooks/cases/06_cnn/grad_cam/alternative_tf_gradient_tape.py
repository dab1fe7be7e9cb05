# the lesson's earlier answer: TensorFlow's GradientTape on a two-output model, tf.gather
import tensorflow as tf  # a CPU/GPU runtime's; the set-up cell imports keras.ops only


def grad_cam(model, layer_name, images, class_index=None):
    images = tf.convert_to_tensor(images, dtype=tf.float32)
    layer_output = model.get_layer(layer_name).output
    grad_model = keras.Model(model.inputs[0], [layer_output, model.outputs[0]])
    with tf.GradientTape() as tape:
        feature_maps, logits = grad_model(images, training=False)
        if class_index is None:
            class_index = tf.argmax(logits, axis=-1)
        classes = tf.broadcast_to(tf.cast(class_index, tf.int64), tf.shape(logits)[:1])
        scores = tf.gather(logits, classes, axis=1, batch_dims=1)
    grads = tape.gradient(scores, feature_maps)
    alpha = tf.reduce_mean(grads, axis=(1, 2), keepdims=True)
    cam = tf.nn.relu(tf.reduce_sum(alpha * feature_maps, axis=-1)).numpy()
    peak = cam.max(axis=(1, 2), keepdims=True)
    return np.divide(cam, peak, out=np.zeros_like(cam), where=peak > 0)
