# the fakes made inside the tape but cut off with tf.stop_gradient; keras.ops for the loss
import tensorflow as tf  # a CPU/GPU runtime's; the set-up cell imports keras.ops only


def discriminator_step(generator, discriminator, d_optimizer, real, z):
    with tf.GradientTape() as tape:
        fake = tf.stop_gradient(generator(z, training=True))
        logits = discriminator(keras.ops.concatenate([real, fake], axis=0), training=True)
        labels = keras.ops.concatenate(
            [
                keras.ops.ones_like(logits[: tf.shape(real)[0]]),
                keras.ops.zeros_like(logits[tf.shape(real)[0] :]),
            ],
            axis=0,
        )
        loss = keras.ops.mean(keras.losses.binary_crossentropy(labels, logits, from_logits=True))
    variables = discriminator.trainable_variables
    d_optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
    return loss
