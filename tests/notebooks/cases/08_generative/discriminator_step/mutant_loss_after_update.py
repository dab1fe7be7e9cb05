# returns the loss computed again after the update, not the one the step descended
def discriminator_step(generator, discriminator, d_optimizer, real, z):
    fake = generator(z, training=True)
    loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)
    points = tf.concat([real, fake], axis=0)
    targets = tf.concat([tf.ones((tf.shape(real)[0], 1)), tf.zeros((tf.shape(fake)[0], 1))], 0)
    with tf.GradientTape() as tape:
        loss = loss_fn(targets, discriminator(points, training=True))
    variables = discriminator.trainable_variables
    d_optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
    return loss_fn(targets, discriminator(points, training=True))
