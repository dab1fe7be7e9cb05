# mistake: logits_as_probabilities
# a loss for probabilities (from_logits=False) on the discriminator's logits
def discriminator_step(generator, discriminator, d_optimizer, real, z):
    cross_entropy = keras.losses.BinaryCrossentropy()
    fake = generator(z, training=True)
    points = ops.concatenate([real, fake], axis=0)
    targets = ops.concatenate(
        [ops.ones((ops.shape(real)[0], 1)), ops.zeros((ops.shape(fake)[0], 1))], axis=0
    )
    variables = discriminator.trainable_variables
    loss, gradients = dlcourse.value_and_gradients(
        lambda: cross_entropy(targets, discriminator(points, training=True)), variables
    )
    d_optimizer.apply_gradients(zip(gradients, variables, strict=True))
    return loss
