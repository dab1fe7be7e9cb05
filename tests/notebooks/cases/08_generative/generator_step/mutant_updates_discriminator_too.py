# forgets to freeze the discriminator: the generator's loss updates it too
def generator_step(generator, discriminator, g_optimizer, z):
    cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)

    def loss_fn():
        logits = discriminator(generator(z, training=True), training=True)
        return cross_entropy(ops.ones_like(logits), logits)

    variables = generator.trainable_variables + discriminator.trainable_variables
    loss, gradients = dlcourse.value_and_gradients(loss_fn, variables)
    g_optimizer.apply_gradients(zip(gradients, variables, strict=True))
    return loss
