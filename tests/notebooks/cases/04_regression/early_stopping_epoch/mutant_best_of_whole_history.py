# the best epoch is the lowest loss of the whole history, even after training stopped
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    best, best_epoch = None, 0
    for epoch, loss in enumerate(val_losses):
        if best is None or loss < best - min_delta:
            best, best_epoch = loss, epoch
        elif epoch - best_epoch >= patience:
            return epoch, int(np.argmin(val_losses))
    return None, int(np.argmin(val_losses))
