# reports the epoch where training stopped as the best one (the weights it ends with)
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    best, best_epoch = None, 0
    for epoch, loss in enumerate(val_losses):
        if best is None or loss < best - min_delta:
            best, best_epoch = loss, epoch
        elif epoch - best_epoch >= patience:
            return epoch, epoch
    return None, best_epoch
