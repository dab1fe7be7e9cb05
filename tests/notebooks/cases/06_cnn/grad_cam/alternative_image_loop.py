# one image at a time, a one-hot score, sums instead of means (the division by the max cancels them)
import tensorflow as tf  # a CPU/GPU runtime's; the set-up cell imports keras.ops only


def grad_cam(model, layer_name, images, class_index=None):
    sub_model = keras.Model(
        inputs=model.inputs, outputs=[model.get_layer(layer_name).output, model.outputs[0]]
    )
    heatmaps = []
    for i in range(len(images)):
        image = tf.constant(np.asarray(images[i : i + 1], dtype=np.float32))
        with tf.GradientTape() as tape:
            maps, logits = sub_model(image, training=False)
            if class_index is None:
                c = int(np.argmax(logits[0]))
            else:
                c = int(np.broadcast_to(class_index, (len(images),))[i])
            score = tf.reduce_sum(logits[0] * tf.one_hot(c, logits.shape[-1]))
        grads = tape.gradient(score, maps)[0].numpy()
        weights = grads.sum(axis=(0, 1))
        cam = np.maximum(maps[0].numpy() @ weights, 0)
        heatmaps.append(cam / cam.max() if cam.max() > 0 else cam)
    return np.array(heatmaps)
