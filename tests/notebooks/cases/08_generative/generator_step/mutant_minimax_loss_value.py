# the saturating minimax loss log(1 - D(G(z))): descends, but returns another loss
def generator_step(generator, discriminator, g_optimizer, z):
    with tf.GradientTape() as tape:
        logits = discriminator(generator(z, training=True), training=True)
        loss = -tf.reduce_mean(tf.nn.softplus(logits))  # mean log(1 - sigmoid(logits))
    variables = generator.trainable_variables
    g_optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
    return loss
