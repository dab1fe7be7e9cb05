# the saturating minimax loss log(1 - D(G(z))): descends, but returns another loss
def generator_step(generator, discriminator, g_optimizer, z):
    def loss_fn():
        logits = discriminator(generator(z, training=True), training=True)
        return -ops.mean(ops.softplus(logits))  # mean log(1 - sigmoid(logits))

    variables = generator.trainable_variables
    loss, gradients = dlcourse.value_and_gradients(loss_fn, variables)
    g_optimizer.apply_gradients(zip(gradients, variables, strict=True))
    return loss
