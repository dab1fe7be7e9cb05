# real and fake batches through the discriminator separately, the mean of their two losses
import tensorflow as tf  # a CPU/GPU runtime's; the set-up cell imports keras.ops only


def discriminator_step(generator, discriminator, d_optimizer, real, z):
    fake = generator(z, training=True)
    with tf.GradientTape() as tape:
        real_logits = discriminator(real, training=True)
        fake_logits = discriminator(fake, training=True)
        real_loss = tf.reduce_mean(
            tf.nn.sigmoid_cross_entropy_with_logits(
                labels=tf.ones_like(real_logits), logits=real_logits
            )
        )
        fake_loss = tf.reduce_mean(
            tf.nn.sigmoid_cross_entropy_with_logits(
                labels=tf.zeros_like(fake_logits), logits=fake_logits
            )
        )
        loss = (real_loss + fake_loss) / 2
    gradients = tape.gradient(loss, discriminator.trainable_variables)
    d_optimizer.apply_gradients(zip(gradients, discriminator.trainable_variables, strict=True))
    return loss
