# tf.nn.sigmoid_cross_entropy_with_logits against ones, written as softplus(-logits)
import tensorflow as tf  # a CPU/GPU runtime's; the set-up cell imports keras.ops only


def generator_step(generator, discriminator, g_optimizer, z):
    with tf.GradientTape() as tape:
        logits = discriminator(generator(z, training=True), training=True)
        loss = tf.reduce_mean(tf.nn.softplus(-logits))  # = BCE(1, sigmoid(logits))
    gradients = tape.gradient(loss, generator.trainable_variables)
    g_optimizer.apply_gradients(zip(gradients, generator.trainable_variables, strict=True))
    return loss
