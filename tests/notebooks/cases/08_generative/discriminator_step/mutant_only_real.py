# trains the discriminator on the real points only
def discriminator_step(generator, discriminator, d_optimizer, real, z):
    loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)
    fake = generator(z, training=True)
    with tf.GradientTape() as tape:
        real_logits = discriminator(real, training=True)
        loss = loss_fn(tf.ones_like(real_logits), real_logits)
    full_loss = (loss + loss_fn(tf.zeros((tf.shape(fake)[0], 1)), discriminator(fake))) / 2
    variables = discriminator.trainable_variables
    d_optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
    return full_loss
