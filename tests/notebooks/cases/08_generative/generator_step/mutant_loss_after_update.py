# returns the loss computed again after the update, not the one the step descended
def generator_step(generator, discriminator, g_optimizer, z):
    loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)
    with tf.GradientTape() as tape:
        logits = discriminator(generator(z, training=True), training=True)
        loss = loss_fn(tf.ones_like(logits), logits)
    variables = generator.trainable_variables
    g_optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
    logits = discriminator(generator(z, training=True), training=True)
    return loss_fn(tf.ones_like(logits), logits)
