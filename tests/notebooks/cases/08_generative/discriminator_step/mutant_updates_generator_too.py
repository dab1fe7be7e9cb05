# makes the fakes inside the loss and updates the generator with the discriminator's loss too
def discriminator_step(generator, discriminator, d_optimizer, real, z):
    cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)

    def loss_fn():
        fake = generator(z, training=True)
        logits = discriminator(ops.concatenate([real, fake], axis=0), training=True)
        targets = ops.concatenate(
            [ops.ones((ops.shape(real)[0], 1)), ops.zeros((ops.shape(fake)[0], 1))], axis=0
        )
        return cross_entropy(targets, logits)

    variables = discriminator.trainable_variables + generator.trainable_variables
    loss, gradients = dlcourse.value_and_gradients(loss_fn, variables)
    d_optimizer.apply_gradients(zip(gradients, variables, strict=True))
    return loss
