# probabilities from TensorFlow's softmax in float64, drawn with rng.choice
import tensorflow as tf  # a CPU/GPU runtime's; the set-up cell imports keras.ops only


def sample_with_temperature(logits, temperature, rng):
    if temperature == 0:
        return int(np.argmax(logits))
    scaled = tf.constant(np.asarray(logits, dtype=np.float64) / temperature)
    probabilities = tf.nn.softmax(scaled).numpy()
    return int(rng.choice(len(probabilities), p=probabilities / probabilities.sum()))
