# the old Keras recipe without discriminator.trainable = False: train_on_batch updates both
def generator_step(generator, discriminator, g_optimizer, z):
    gan = keras.Sequential([generator, discriminator])
    gan.compile(optimizer=g_optimizer, loss=keras.losses.BinaryCrossentropy(from_logits=True))
    return gan.train_on_batch(z, ops.ones((ops.shape(z)[0], 1)))
