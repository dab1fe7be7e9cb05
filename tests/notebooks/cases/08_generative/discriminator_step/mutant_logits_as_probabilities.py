# mistake: logits_as_probabilities
# a loss for probabilities (from_logits=False) on the discriminator's logits
def discriminator_step(generator, discriminator, d_optimizer, real, z):
    loss_fn = keras.losses.BinaryCrossentropy()
    fake = generator(z, training=True)
    with tf.GradientTape() as tape:
        logits = discriminator(tf.concat([real, fake], axis=0), training=True)
        targets = tf.concat([tf.ones((tf.shape(real)[0], 1)), tf.zeros((tf.shape(fake)[0], 1))], 0)
        loss = loss_fn(targets, logits)
    variables = discriminator.trainable_variables
    d_optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
    return loss
