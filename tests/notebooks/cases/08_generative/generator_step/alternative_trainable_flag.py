# freezes the discriminator with trainable = False and updates every trainable variable left
import tensorflow as tf  # a CPU/GPU runtime's; the set-up cell imports keras.ops only


def generator_step(generator, discriminator, g_optimizer, z):
    loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)
    discriminator.trainable = False
    try:
        with tf.GradientTape() as tape:
            logits = discriminator(generator(z, training=True), training=False)
            loss = loss_fn(tf.ones_like(logits), logits)
        variables = generator.trainable_variables + discriminator.trainable_variables
        g_optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
    finally:
        discriminator.trainable = True
    return loss
