# ignores min_delta: any decrease counts as an improvement
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    best, best_epoch = None, 0
    for epoch, loss in enumerate(val_losses):
        if best is None or loss < best:
            best, best_epoch = loss, epoch
        elif epoch - best_epoch >= patience:
            return epoch, best_epoch
    return None, best_epoch
