# a wait counter as Keras keeps it: +1 every epoch, back to 0 at an improvement
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    best = float("inf")
    best_epoch = 0
    wait = 0
    for epoch, loss in enumerate(val_losses):
        wait += 1
        if epoch == 0 or loss < best - min_delta:
            best, best_epoch, wait = loss, epoch, 0
            continue
        if wait >= patience:
            return epoch, best_epoch
    return None, best_epoch
