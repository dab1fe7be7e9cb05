# trains the discriminator on the real points only
def discriminator_step(generator, discriminator, d_optimizer, real, z):
    cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)
    fake = generator(z, training=True)

    def real_loss():
        real_logits = discriminator(real, training=True)
        return cross_entropy(ops.ones_like(real_logits), real_logits)

    variables = discriminator.trainable_variables
    loss, gradients = dlcourse.value_and_gradients(real_loss, variables)
    full_loss = (loss + cross_entropy(ops.zeros((ops.shape(fake)[0], 1)), discriminator(fake))) / 2
    d_optimizer.apply_gradients(zip(gradients, variables, strict=True))
    return full_loss
