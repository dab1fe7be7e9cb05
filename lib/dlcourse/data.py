"""Offline-first datasets for the lessons, behind one ``load(name)``.

Every graded cell of the course runs without a network, so every dataset a lesson needs
comes from something already on the machine:

* scikit-learn's bundled sets: ``digits``, ``iris``, ``wine``, ``breast_cancer``, ``diabetes``;
* ``fashion_mnist``: the files in Keras' cache, else Debian's ``dataset-fashion-mnist``
  package (``/usr/share/datasets/fashion-mnist``), and only then a Keras download;
* two public-domain time series (statsmodels' copies, shipped with dlcourse, so that no
  statsmodels is needed): ``sunspots`` (yearly) and ``co2`` (weekly, Mauna Loa);
* ``words``: Debian's word lists of five languages (``wamerican``, ``wfrench``, ...);
* generated sets: ``linear``, ``curve``, ``moons``, ``circles``, ``spirals``, ``house_prices``.

``as_dataset(X, y)`` turns arrays into a dataset built once for ``fit`` (``tf.data``, or a
``keras.utils.PyDataset`` where TensorFlow is missing).

``mnist`` and ``imdb`` come only through Keras (its cache, or a download when the network
is reachable); lessons use them only in optional cells.

A dataset that cannot be had raises ``DatasetUnavailableError``, naming every source
tried and how to get it, within about a second: the network is probed with a short
timeout before any download, and ``DLCOURSE_OFFLINE=1`` skips downloads altogether (the
grader sets it). ``DLCOURSE_DATA_DIR`` names an extra folder that is searched first.

Example::

    (X_train, y_train), (X_test, y_test) = dlcourse.data.load("fashion_mnist")
    X, y = dlcourse.data.load("breast_cancer")
    (X_train, y_train), (X_val, y_val), (X_test, y_test) = dlcourse.data.train_val_test_split(
        X, y, val_size=0.2, test_size=0.2, seed=0, stratify=True)
"""

from __future__ import annotations

import difflib
import gzip
import importlib.util
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

Array = np.ndarray
Pair = tuple[Array, Array]

#: Where Debian's dataset-fashion-mnist package puts its files.
DEBIAN_FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")

#: Fashion-MNIST's four files, the same names in Keras' cache and in the Debian package.
FASHION_MNIST_FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)

FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

# Keras downloads its datasets from this host; probing it says whether a download can work.
_DOWNLOAD_HOST = ("storage.googleapis.com", 443)
_PROBE_TIMEOUT_S = 0.5


class DatasetUnavailableError(RuntimeError):
    """A dataset could not be loaded from any source; the message says how to get it."""


class _SourceMissing(Exception):
    """One source does not have the dataset; the message says why (one line)."""


@dataclass(frozen=True)
class DatasetInfo:
    """What ``info(name)`` tells about a dataset.

    Attributes:
        name: the name ``load`` takes.
        title: a human name, e.g. "Fashion-MNIST".
        kind: "bundled" (ships with a package), "files" (local files, download as a last
            resort), "download" (network or cache only) or "generated".
        returns: the shapes and dtypes ``load`` returns.
        description: one or two sentences.
        class_names: label names by class index, when the task is classification.
        feature_names: column names, when the data is a table.
        how_to_get: what to do when the dataset is not available.
        system_packages: the Debian and Ubuntu packages that provide its files (the
            Colab set-up cell of a lesson that loads it installs them: Colab runs as root
            on Ubuntu, without them).
    """

    name: str
    title: str
    kind: Literal["bundled", "files", "download", "generated"]
    returns: str
    description: str
    class_names: tuple[str, ...] = ()
    feature_names: tuple[str, ...] = ()
    how_to_get: str = ""
    system_packages: tuple[str, ...] = ()


@dataclass
class _Entry:
    describe: DatasetInfo | Callable[[], DatasetInfo]
    loader: Callable[..., Any]

    @property
    def info(self) -> DatasetInfo:
        if callable(self.describe):  # computed on first use, e.g. names read from a file
            self.describe = self.describe()
        return self.describe


_REGISTRY: dict[str, _Entry] = {}


def register(
    name: str, info: DatasetInfo | Callable[[], DatasetInfo], loader: Callable[..., Any]
) -> None:
    """Add a dataset to the registry so that ``load(name)`` calls ``loader``.

    ``info`` may be a function that returns the DatasetInfo, called on first use, when
    working it out is slow (reading a file, importing a package).

    Raises:
        ValueError: when the name is already taken.
    """
    if name in _REGISTRY:
        raise ValueError(f"a dataset named {name!r} is already registered")
    _REGISTRY[name] = _Entry(info, loader)


def names() -> list[str]:
    """The names ``load`` accepts, in registry order."""
    return list(_REGISTRY)


def info(name: str) -> DatasetInfo:
    """What is known about a dataset: shapes, class and feature names, how to get it."""
    return _entry(name).info


def load(name: str, **kwargs: Any) -> Any:
    """Load a dataset by name; see ``names()`` and ``info(name)``.

    Keyword arguments go to the dataset's loader (e.g. ``n_samples`` and ``seed`` for a
    generated set, ``as_images=True`` for ``digits``).

    Raises:
        ValueError: for an unknown name (with the closest known names).
        DatasetUnavailableError: when no source has the dataset.
    """
    return _entry(name).loader(**kwargs)


def available_offline(names_to_check: list[str] | None = None) -> dict[str, str | None]:
    """Which datasets load with downloads switched off; nothing is downloaded.

    Returns:
        name → None when it loads, else the reason it does not (the error's message).
    """
    previous = os.environ.get("DLCOURSE_OFFLINE")
    os.environ["DLCOURSE_OFFLINE"] = "1"
    try:
        result: dict[str, str | None] = {}
        for name in names_to_check or names():
            try:
                load(name)
            except DatasetUnavailableError as error:
                result[name] = str(error)
            else:
                result[name] = None
        return result
    finally:
        if previous is None:
            del os.environ["DLCOURSE_OFFLINE"]
        else:
            os.environ["DLCOURSE_OFFLINE"] = previous


def _entry(name: str) -> _Entry:
    key = str(name).strip().lower().replace("-", "_").replace(" ", "_")
    if key in _REGISTRY:
        return _REGISTRY[key]
    close = difflib.get_close_matches(key, _REGISTRY, n=3)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise ValueError(f"unknown dataset {name!r}.{hint} Known datasets: {', '.join(_REGISTRY)}.")


# --------------------------------------------------------------------------- sources


def offline() -> bool:
    """True when downloads are switched off with ``DLCOURSE_OFFLINE`` (1/true/yes)."""
    return os.environ.get("DLCOURSE_OFFLINE", "").strip().lower() in ("1", "true", "yes")


def network_reachable(
    host: tuple[str, int] = _DOWNLOAD_HOST, timeout: float = _PROBE_TIMEOUT_S
) -> bool:
    """Whether a TCP connection to ``host`` opens within ``timeout`` seconds.

    The look-up and connection run in a daemon thread, so a resolver that hangs costs
    ``timeout`` seconds and no more.
    """
    result: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection(host, timeout=timeout):
                result.append(True)
        except Exception:  # refused, unresolvable, timed out: all mean "no"
            result.append(False)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(result and result[0])


def _download_allowed() -> None:
    """Raise _SourceMissing when a download cannot work; cheap, never hangs."""
    if offline():
        raise _SourceMissing("downloads are off (DLCOURSE_OFFLINE is set)")
    if not network_reachable():
        host, port = _DOWNLOAD_HOST
        raise _SourceMissing(f"no network: {host}:{port} did not answer in {_PROBE_TIMEOUT_S} s")


def keras_cache_dir() -> Path:
    """Keras' dataset cache: ``$KERAS_HOME/datasets``, else ``~/.keras/datasets``.

    Keras itself falls back to ``/tmp/.keras`` when the home folder is not writable;
    ``_cache_dirs`` looks there too.
    """
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets"


def _cache_dirs() -> list[Path]:
    dirs = [keras_cache_dir(), Path("/tmp/.keras/datasets")]
    return list(dict.fromkeys(dirs))  # without duplicates, in order


def _data_dir() -> Path | None:
    value = os.environ.get("DLCOURSE_DATA_DIR", "").strip()
    return Path(value).expanduser() if value else None


def _try_sources(title: str, sources: list[tuple[str, Callable[[], Any]]], how_to_get: str) -> Any:
    """Return the first source's result; raise one error listing every failure."""
    tried: list[str] = []
    for label, source in sources:
        try:
            return source()
        except _SourceMissing as missing:
            tried.append(f"{label}: {missing}")
    lines = "\n".join(f"  {i}. {line}" for i, line in enumerate(tried, 1))
    raise DatasetUnavailableError(
        f"{title} is not available on this machine. Tried, in order:\n{lines}\n"
        f"How to get it: {how_to_get}"
    )


# --------------------------------------------------------------------------- Fashion-MNIST


def _read_idx(path: Path, expected_magic: int) -> Array:
    """Read one gzipped IDX file (images: magic 2051, labels: 2049) as uint8."""
    try:
        with gzip.open(path, "rb") as handle:
            raw = handle.read()
    except (OSError, EOFError) as exc:
        raise _SourceMissing(f"{path} is unreadable ({exc})") from None
    magic = int.from_bytes(raw[0:4], "big") if len(raw) >= 4 else -1
    if magic != expected_magic:
        raise _SourceMissing(f"{path} is not an IDX file of the right kind (magic {magic})")
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    offset = 4 + 4 * ndim
    data = np.frombuffer(raw, dtype=np.uint8, offset=offset)
    if data.size != int(np.prod(dims)):
        raise _SourceMissing(f"{path} is truncated ({data.size} of {int(np.prod(dims))} values)")
    return data.reshape(dims)


@lru_cache(maxsize=4)
def _read_fashion_folder_cached(folder: str, stamp: tuple[float, ...]) -> tuple[Pair, Pair]:
    del stamp  # only part of the cache key: a changed file is read again
    path = Path(folder)
    x_train = _read_idx(path / FASHION_MNIST_FILES[0], 2051)
    y_train = _read_idx(path / FASHION_MNIST_FILES[1], 2049)
    x_test = _read_idx(path / FASHION_MNIST_FILES[2], 2051)
    y_test = _read_idx(path / FASHION_MNIST_FILES[3], 2049)
    if len(x_train) != len(y_train) or len(x_test) != len(y_test):
        raise _SourceMissing(f"{folder}: image and label counts differ")
    return (x_train, y_train), (x_test, y_test)


def _read_fashion_folder(folder: Path) -> tuple[Pair, Pair]:
    """The four Fashion-MNIST files of one folder, as read-only uint8 arrays."""
    if not folder.is_dir():
        raise _SourceMissing(f"{folder} does not exist")
    missing = [name for name in FASHION_MNIST_FILES if not (folder / name).is_file()]
    if missing:
        raise _SourceMissing(f"{folder} lacks {', '.join(missing)}")
    stamp = tuple((folder / name).stat().st_mtime for name in FASHION_MNIST_FILES)
    return _read_fashion_folder_cached(str(folder), stamp)


def _fashion_from_data_dir() -> tuple[Pair, Pair]:
    folder = _data_dir()
    if folder is None:
        raise _SourceMissing("DLCOURSE_DATA_DIR is not set")
    return _read_fashion_folder(folder / "fashion-mnist")


def _fashion_from_keras_cache() -> tuple[Pair, Pair]:
    reasons = []
    for cache in _cache_dirs():
        try:
            return _read_fashion_folder(cache / "fashion-mnist")
        except _SourceMissing as missing:
            reasons.append(str(missing))
    raise _SourceMissing("; ".join(reasons))


def _fashion_from_debian() -> tuple[Pair, Pair]:
    try:
        return _read_fashion_folder(DEBIAN_FASHION_MNIST)
    except _SourceMissing as missing:
        raise _SourceMissing(f"package dataset-fashion-mnist: {missing}") from None


def _keras_load_data(module: str) -> Callable[..., Any]:
    """``keras.datasets.<module>.load_data``, imported on first use (Keras is slow to import)."""
    import importlib

    return importlib.import_module(f"keras.datasets.{module}").load_data


def _keras_download(module: str, **kwargs: Any) -> Any:
    """Call ``keras.datasets.<module>.load_data`` after checking the network."""
    _download_allowed()
    try:
        return _keras_load_data(module)(**kwargs)
    except Exception as exc:  # Keras raises plain Exception for failed downloads
        raise _SourceMissing(f"download failed ({type(exc).__name__}: {exc})") from None


def load_fashion_mnist() -> tuple[Pair, Pair]:
    """Fashion-MNIST: 70,000 grey 28×28 images of clothes in 10 classes.

    Returns the same arrays as ``keras.datasets.fashion_mnist.load_data()``:
    ``(x_train, y_train), (x_test, y_test)`` with x uint8 of shape (60000, 28, 28) and
    (10000, 28, 28), y uint8 of shape (60000,) and (10000,). The arrays are read-only
    (as Keras' are): compute new ones, e.g. ``x_train / 255.0``. Class names are in
    ``FASHION_MNIST_CLASSES``.
    """
    return _try_sources(
        "Fashion-MNIST",
        [
            ("DLCOURSE_DATA_DIR", _fashion_from_data_dir),
            ("Keras cache", _fashion_from_keras_cache),
            ("Debian package", _fashion_from_debian),
            ("Keras download", lambda: _keras_download("fashion_mnist")),
        ],
        _INFO_FASHION.how_to_get,
    )


_INFO_FASHION = DatasetInfo(
    name="fashion_mnist",
    title="Fashion-MNIST",
    kind="files",
    returns="(x_train (60000, 28, 28) uint8, y_train (60000,) uint8), "
    "(x_test (10000, 28, 28) uint8, y_test (10000,) uint8)",
    description="Grey 28x28 images of clothes and shoes from Zalando, 10 balanced classes.",
    class_names=FASHION_MNIST_CLASSES,
    how_to_get=(
        "on Debian or Ubuntu run `sudo apt-get install dataset-fashion-mnist` (the course's "
        "`make setup` does it); or run `keras.datasets.fashion_mnist.load_data()` once with "
        "network access (Keras keeps the files in ~/.keras/datasets/fashion-mnist); or copy "
        f"the four files {', '.join(FASHION_MNIST_FILES)} into $DLCOURSE_DATA_DIR/fashion-mnist/."
    ),
)
register("fashion_mnist", _INFO_FASHION, load_fashion_mnist)


# --------------------------------------------------------------------------- Keras-only sets


def _keras_only(module: str, cache_file: str, **kwargs: Any) -> Any:
    """Load through Keras from its cache, or download when the network answers."""
    for cache in _cache_dirs():
        if (cache / cache_file).is_file():
            return _keras_load_data(module)(**kwargs)  # reads the cache, no network
    return _keras_download(module, **kwargs)


def load_mnist() -> tuple[Pair, Pair]:
    """MNIST handwritten digits through Keras (cache or download).

    Returns ``(x_train (60000, 28, 28) uint8, y_train (60000,) uint8), (x_test (10000, 28,
    28) uint8, y_test (10000,) uint8)``, as ``keras.datasets.mnist.load_data()``.
    """
    return _try_sources(
        "MNIST",
        [("Keras (cache or download)", lambda: _keras_only("mnist", "mnist.npz"))],
        _INFO_MNIST.how_to_get,
    )


def load_imdb(num_words: int | None = 10_000, maxlen: int | None = None) -> tuple[Pair, Pair]:
    """IMDB movie reviews as word-index sequences through Keras (cache or download).

    Returns ``(x_train, y_train), (x_test, y_test)``: x are object arrays of 25,000 int
    lists each, y int arrays of 0 (negative) / 1 (positive), as
    ``keras.datasets.imdb.load_data(num_words=..., maxlen=...)``.
    """
    return _try_sources(
        "IMDB",
        [
            (
                "Keras (cache or download)",
                lambda: _keras_only("imdb", "imdb.npz", num_words=num_words, maxlen=maxlen),
            )
        ],
        _INFO_IMDB.how_to_get,
    )


_INFO_MNIST = DatasetInfo(
    name="mnist",
    title="MNIST",
    kind="download",
    returns="(x_train (60000, 28, 28) uint8, y_train (60000,) uint8), "
    "(x_test (10000, 28, 28) uint8, y_test (10000,) uint8)",
    description="Grey 28x28 images of handwritten digits 0-9. Needs a download once.",
    class_names=tuple(str(d) for d in range(10)),
    how_to_get="run `keras.datasets.mnist.load_data()` once with network access; Keras "
    "keeps mnist.npz in ~/.keras/datasets. Offline lessons use 'digits' or 'fashion_mnist'.",
)
_INFO_IMDB = DatasetInfo(
    name="imdb",
    title="IMDB reviews",
    kind="download",
    returns="(x_train (25000,) object of int lists, y_train (25000,) int), (x_test, y_test)",
    description="50,000 movie reviews labelled positive or negative. Needs a download once.",
    class_names=("negative", "positive"),
    how_to_get="run `keras.datasets.imdb.load_data()` once with network access; Keras "
    "keeps imdb.npz in ~/.keras/datasets.",
)
register("mnist", _INFO_MNIST, load_mnist)
register("imdb", _INFO_IMDB, load_imdb)


# --------------------------------------------------------------------------- scikit-learn


def _bundled(
    name: str,
    title: str,
    description: str,
    sklearn_loader: str,
    task: Literal["classification", "regression"],
    scalable: bool = False,
) -> None:
    """Register one of scikit-learn's bundled tables as ``(X, y)``.

    scikit-learn is imported only when the table is loaded or described: importing it
    would add half a second to every ``import dlcourse``. ``scalable`` tables (diabetes)
    take ``scaled=False`` for the raw measurements instead of scikit-learn's scaled ones.
    """
    y_kind = "int64 labels" if task == "classification" else "float32 target"

    def loader(dtype: str = "float32", scaled: bool | None = None) -> Pair:
        from sklearn import datasets

        if scaled is not None and not scalable:
            raise ValueError(f"{name} has no scaled/raw variants: leave out scaled=")
        options = {} if scaled is None else {"scaled": bool(scaled)}
        data = getattr(datasets, sklearn_loader)(**options)
        X = np.asarray(data.data, dtype=dtype)
        y = data.target.astype(np.int64 if task == "classification" else dtype)
        return X, y

    def describe() -> DatasetInfo:
        from sklearn import datasets

        data = getattr(datasets, sklearn_loader)()
        n, d = data.data.shape
        classes = tuple(str(c) for c in getattr(data, "target_names", ()))
        return DatasetInfo(
            name=name,
            title=title,
            kind="bundled",
            returns=f"X ({n}, {d}) float32, y ({n},) {y_kind}",
            description=description,
            class_names=classes if task == "classification" else (),
            feature_names=tuple(str(f) for f in data.feature_names),
            how_to_get="ships with scikit-learn: `pip install scikit-learn`.",
        )

    loader.__doc__ = f"{title} from scikit-learn: X float32 (n, d), y {y_kind} (n,)."
    register(name, describe, loader)


def load_digits(as_images: bool = False, dtype: str = "float32") -> Pair:
    """scikit-learn's 8×8 handwritten digits: 1,797 images, values 0-16.

    Returns ``X`` of shape (1797, 64), or (1797, 8, 8) with ``as_images=True``, in
    ``dtype``, and ``y`` int64 labels 0-9 of shape (1797,).
    """
    from sklearn.datasets import load_digits as sk_load_digits

    data = sk_load_digits()
    X = np.asarray(data.images if as_images else data.data, dtype=dtype)
    return X, data.target.astype(np.int64)


register(
    "digits",
    DatasetInfo(
        name="digits",
        title="Digits (8x8)",
        kind="bundled",
        returns="X (1797, 64) float32 (or (1797, 8, 8) with as_images=True), y (1797,) int64",
        description="Small grey images of handwritten digits, pixel values 0-16.",
        class_names=tuple(str(d) for d in range(10)),
        feature_names=tuple(f"pixel_{r}_{c}" for r in range(8) for c in range(8)),
        how_to_get="ships with scikit-learn: `pip install scikit-learn`.",
    ),
    load_digits,
)
_bundled(
    "iris", "Iris", "150 iris flowers, 4 measurements, 3 species.", "load_iris", "classification"
)
_bundled(
    "wine",
    "Wine",
    "178 wines, 13 chemical measurements, 3 cultivars.",
    "load_wine",
    "classification",
)
_bundled(
    "breast_cancer",
    "Breast cancer (Wisconsin)",
    "569 tumours, 30 features of cell nuclei; 0 = malignant, 1 = benign.",
    "load_breast_cancer",
    "classification",
)
_bundled(
    "diabetes",
    "Diabetes",
    "442 patients, 10 standardised baseline measurements; target: disease progression "
    "one year later.",
    "load_diabetes",
    "regression",
    scalable=True,
)


# --------------------------------------------------------------------------- generated


def make_linear(
    n_samples: int = 200,
    n_features: int = 1,
    noise: float = 0.1,
    *,
    weights: Array | list[float] | None = None,
    bias: float = 0.0,
    seed: int = 0,
    return_params: bool = False,
) -> Pair | tuple[Array, Array, Array, float]:
    """Noisy linear data ``y = X @ W + b + noise * N(0, 1)``.

    Args:
        n_samples, n_features: X has shape (n_samples, n_features), uniform in [-1, 1].
        noise: standard deviation of the Gaussian noise added to y.
        weights: W of shape (n_features,); default drawn from N(0, 1) with the seed.
        bias: b.
        seed: seeds a private generator (the global NumPy state is not touched).
        return_params: also return the true ``W`` and ``b``.

    Returns:
        ``X`` (n_samples, n_features) float32 and ``y`` (n_samples,) float32, plus ``W``
        (n_features,) float32 and ``b`` with ``return_params=True``.
    """
    _check_count("n_samples", n_samples)
    _check_count("n_features", n_features)
    rng = np.random.default_rng(seed)
    W = rng.normal(size=n_features) if weights is None else np.asarray(weights, np.float64)
    if W.shape != (n_features,):
        raise ValueError(f"weights must have shape ({n_features},), not {W.shape}")
    X = rng.uniform(-1.0, 1.0, size=(n_samples, n_features))
    y = X @ W + bias + noise * rng.normal(size=n_samples)
    X, y, W = X.astype(np.float32), y.astype(np.float32), W.astype(np.float32)
    return (X, y, W, float(bias)) if return_params else (X, y)


_CURVES: dict[str, Callable[[Array], Array]] = {
    "linear": lambda x: 0.8 * x + 0.5,
    "quadratic": lambda x: 0.5 * x**2 - x + 1.0,
    "cubic": lambda x: 0.2 * x**3 - x,
    "sine": np.sin,
}


def make_curve(
    n_samples: int = 100,
    fn: str | Callable[[Array], Array] = "sine",
    noise: float = 0.1,
    *,
    x_range: tuple[float, float] = (-3.0, 3.0),
    outliers: float = 0.0,
    seed: int = 0,
) -> Pair:
    """Noisy 1-D regression data ``y = fn(x) + noise * N(0, 1)``, x sorted.

    Args:
        fn: "linear", "quadratic", "cubic", "sine", or a vectorised callable.
        x_range: x is uniform in this interval.
        outliers: fraction of points (0 to 0.5) moved far off the curve, by ±(5 to 10)
            times the spread of y, to show how losses treat outliers.

    Returns:
        ``X`` (n_samples, 1) float32 and ``y`` (n_samples,) float32.
    """
    _check_count("n_samples", n_samples)
    if not 0.0 <= outliers <= 0.5:
        raise ValueError(f"outliers must be a fraction between 0 and 0.5, not {outliers}")
    if isinstance(fn, str):
        if fn not in _CURVES:
            raise ValueError(f"fn must be one of {', '.join(_CURVES)} or a callable, not {fn!r}")
        fn = _CURVES[fn]
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(*x_range, size=n_samples))
    clean = np.asarray(fn(x), dtype=np.float64)
    y = clean + noise * rng.normal(size=n_samples)
    n_out = int(round(outliers * n_samples))
    if n_out:
        idx = rng.choice(n_samples, size=n_out, replace=False)
        spread = max(float(clean.std()), 1.0)
        y[idx] += rng.choice([-1.0, 1.0], size=n_out) * rng.uniform(5, 10, size=n_out) * spread
    return x[:, None].astype(np.float32), y.astype(np.float32)


def make_moons(n_samples: int = 200, noise: float = 0.1, *, seed: int = 0) -> Pair:
    """Two interleaving half circles: ``X`` (n_samples, 2) float32, ``y`` (n_samples,) int64."""
    from sklearn.datasets import make_moons as sk_make_moons

    _check_count("n_samples", n_samples)
    X, y = sk_make_moons(n_samples=n_samples, noise=noise, random_state=seed)
    return X.astype(np.float32), y.astype(np.int64)


def make_circles(
    n_samples: int = 200, noise: float = 0.05, *, factor: float = 0.5, seed: int = 0
) -> Pair:
    """A small circle inside a big one: ``X`` (n_samples, 2) float32, ``y`` (n_samples,) int64.

    ``factor`` is the inner radius over the outer one (0 < factor < 1).
    """
    from sklearn.datasets import make_circles as sk_make_circles

    _check_count("n_samples", n_samples)
    X, y = sk_make_circles(n_samples=n_samples, noise=noise, factor=factor, random_state=seed)
    return X.astype(np.float32), y.astype(np.int64)


def make_spirals(
    n_samples: int = 300,
    n_classes: int = 3,
    noise: float = 0.2,
    *,
    turns: float = 1.0,
    seed: int = 0,
) -> Pair:
    """Interleaved spiral arms, one class per arm: no straight line separates them.

    Returns ``X`` (n_samples, 2) float32 in about [-1, 1]² and ``y`` (n_samples,) int64;
    classes differ in size by at most one point.
    """
    _check_count("n_samples", n_samples)
    if n_classes < 2:
        raise ValueError(f"n_classes must be at least 2, not {n_classes}")
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % n_classes
    radius = rng.uniform(0.05, 1.0, size=n_samples)
    angle = (
        2 * np.pi * turns * radius + 2 * np.pi * y / n_classes + noise * rng.normal(size=n_samples)
    )
    X = np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1)
    order = rng.permutation(n_samples)
    return X[order].astype(np.float32), y[order].astype(np.int64)


HOUSE_PRICE_FEATURES = ("rooms", "bathrooms", "garage", "area_m2", "age_years")


def make_house_prices(n_samples: int = 500, noise: float = 25.0, *, seed: int = 0) -> Pair:
    """A made-up table of houses and their prices, for a first look at regression.

    Columns of ``X`` (n_samples, 5) float32 are ``HOUSE_PRICE_FEATURES``: rooms (1-8),
    bathrooms (1-4), garage (0 or 1), area in m² and age in years. ``y`` (n_samples,)
    float32 is the price in thousands, a known linear function of the columns plus
    Gaussian noise with standard deviation ``noise``, so a linear model can recover it.
    """
    _check_count("n_samples", n_samples)
    rng = np.random.default_rng(seed)
    rooms = rng.integers(1, 9, size=n_samples)
    bathrooms = np.minimum(1 + rng.binomial(rooms, 0.3), 4)
    garage = rng.binomial(1, 0.6, size=n_samples)
    area = 25.0 * rooms + rng.normal(20.0, 10.0, size=n_samples).clip(0)
    age = rng.uniform(0, 80, size=n_samples)
    price = (
        40.0
        + 12.0 * rooms
        + 15.0 * bathrooms
        + 20.0 * garage
        + 1.5 * area
        - 0.8 * age
        + noise * rng.normal(size=n_samples)
    )
    X = np.stack([rooms, bathrooms, garage, area, age], axis=1).astype(np.float32)
    return X, price.astype(np.float32)


def _check_count(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a positive int, not {value!r}")


_GENERATED = (
    (
        "linear",
        "Linear data",
        "X (n, d) float32, y (n,) float32",
        "y = X @ W + b + noise.",
        make_linear,
        (),
        (),
    ),
    (
        "curve",
        "1-D curve",
        "X (n, 1) float32, y (n,) float32",
        "A noisy 1-D curve, optionally with outliers.",
        make_curve,
        (),
        ("x",),
    ),
    (
        "moons",
        "Two moons",
        "X (n, 2) float32, y (n,) int64",
        "Two interleaving half circles.",
        make_moons,
        ("0", "1"),
        ("x0", "x1"),
    ),
    (
        "circles",
        "Circles",
        "X (n, 2) float32, y (n,) int64",
        "A circle inside a circle.",
        make_circles,
        ("outer", "inner"),
        ("x0", "x1"),
    ),
    (
        "spirals",
        "Spirals",
        "X (n, 2) float32, y (n,) int64",
        "Interleaved spiral arms, one class each.",
        make_spirals,
        (),
        ("x0", "x1"),
    ),
    (
        "house_prices",
        "House prices",
        "X (n, 5) float32, y (n,) float32 (thousands)",
        "Made-up houses: rooms, bathrooms, garage, area, age -> price.",
        make_house_prices,
        (),
        HOUSE_PRICE_FEATURES,
    ),
)
for _name, _title, _returns, _desc, _fn, _classes, _features in _GENERATED:
    register(
        _name,
        DatasetInfo(
            name=_name,
            title=_title,
            kind="generated",
            returns=_returns,
            description=_desc,
            class_names=_classes,
            feature_names=_features,
            how_to_get="generated by dlcourse.data: always available.",
        ),
        _fn,
    )


# --------------------------------------------------------------------------- time series


_SERIES = Path(__file__).resolve().parent / "series"


def _read_series(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The two columns of ``dlcourse/series/<name>.csv`` as strings and float64 (an empty
    value is nan). The files are statsmodels' bundled copies of public-domain series,
    shipped here so that a runtime without statsmodels (Colab's TPU) has them too."""
    keys, values = [], []
    with open(_SERIES / f"{name}.csv", encoding="utf-8") as handle:
        lines = [line.strip() for line in handle if line.strip() and not line.startswith("#")]
    for line in lines[1:]:  # the first is the header
        key, _, value = line.partition(",")
        keys.append(key)
        values.append(float(value) if value else np.nan)
    return np.array(keys), np.array(values, dtype=np.float64)


def load_sunspots() -> Pair:
    """Yearly mean sunspot numbers, 1700-2008 (statsmodels' copy, shipped with dlcourse).

    Returns ``years`` (309,) int64 and ``counts`` (309,) float32. The series has a cycle of
    about 11 years whose height varies from cycle to cycle.
    """
    years, counts = _read_series("sunspots")
    return years.astype(np.int64), counts.astype(np.float32)


def load_co2() -> Pair:
    """Weekly atmospheric CO2 at Mauna Loa, March 1958 to December 2001 (statsmodels'
    copy, shipped with dlcourse).

    Returns ``dates`` (2284,) datetime64[D] (one per week) and ``ppm`` (2284,) float32.
    The 59 missing weeks are filled by linear interpolation between their neighbours, so
    the series has no gaps; it rises by about 1.5 ppm a year with a yearly cycle of about
    6 ppm (52 weeks).
    """
    dates, ppm = _read_series("co2")
    known = ~np.isnan(ppm)
    weeks = np.arange(len(ppm))
    filled = np.interp(weeks, weeks[known], ppm[known])  # the ends take the nearest value
    return dates.astype("datetime64[D]"), filled.astype(np.float32)


_HOW_STATSMODELS = "ships with dlcourse (dlcourse/series/): reinstall dlcourse if it is missing."
_INFO_SUNSPOTS = DatasetInfo(
    name="sunspots",
    title="Sunspots (yearly)",
    kind="bundled",
    returns="years (309,) int64, counts (309,) float32",
    description="Yearly mean number of sunspots, 1700-2008: an 11-year cycle of varying height.",
    how_to_get=_HOW_STATSMODELS,
)
_INFO_CO2 = DatasetInfo(
    name="co2",
    title="Mauna Loa CO2 (weekly)",
    kind="bundled",
    returns="dates (2284,) datetime64[D], ppm (2284,) float32",
    description="Weekly CO2 in the air at Mauna Loa, 1958-2001: a rising trend and a "
    "yearly cycle. Missing weeks are interpolated.",
    how_to_get=_HOW_STATSMODELS,
)
register("sunspots", _INFO_SUNSPOTS, load_sunspots)
register("co2", _INFO_CO2, load_co2)


# --------------------------------------------------------------------------- word lists

#: Debian's word lists, one per language: language → (file, package).
WORD_LISTS: dict[str, tuple[Path, str]] = {
    "english": (Path("/usr/share/dict/american-english"), "wamerican"),
    "french": (Path("/usr/share/dict/french"), "wfrench"),
    "german": (Path("/usr/share/dict/ngerman"), "wngerman"),
    "spanish": (Path("/usr/share/dict/spanish"), "wspanish"),
    "italian": (Path("/usr/share/dict/italian"), "witalian"),
}
WORD_LANGUAGES = tuple(WORD_LISTS)


@lru_cache(maxsize=8)
def _read_word_list(path: str, stamp: float) -> frozenset[str]:
    """The lower-cased words of one list that are letters only (no ', -, digits)."""
    del stamp  # only part of the cache key
    with open(path, encoding="utf-8", errors="replace") as handle:
        return frozenset(
            word for word in (line.strip().lower() for line in handle) if word.isalpha()
        )


def _word_file(language: str) -> Path:
    """The word list of one language, looked for in DLCOURSE_DATA_DIR/words first."""
    path, package = WORD_LISTS[language]
    folder = _data_dir()
    if folder is not None and (folder / "words" / path.name).is_file():
        return folder / "words" / path.name
    if not path.is_file():
        raise _SourceMissing(f"{path} does not exist (Debian package {package})")
    return path


def load_words(
    languages: tuple[str, ...] | list[str] | None = None,
    *,
    min_length: int = 3,
    max_length: int | None = None,
    per_language: int | None = None,
    seed: int = 0,
) -> Pair:
    """Words of several languages from Debian's word lists, labelled by language.

    Words are lower-cased and kept only when made of letters (accents allowed: "même",
    "größe"); a word found in more than one of the chosen languages ("animal", "piano") is
    dropped, so every word has exactly one right label.

    Args:
        languages: names from ``WORD_LANGUAGES`` (default: all five); label i is
            ``languages[i]``.
        min_length, max_length: keep words with this many letters (inclusive).
        per_language: keep this many words of each language, drawn at random with ``seed``
            (default: all of them; the lists differ in size, from 60,000 to 300,000 words).
        seed: seeds the draw and the final shuffle (the global NumPy state is not touched).

    Returns:
        ``words`` (n,) str and ``labels`` (n,) int64, shuffled together.

    Raises:
        ValueError: for an unknown language, bad lengths, or a per_language larger than
            what a language has.
        DatasetUnavailableError: when a word list is not installed (names its package).
    """
    chosen = tuple(WORD_LANGUAGES if languages is None else languages)
    unknown = [lang for lang in chosen if lang not in WORD_LISTS]
    if unknown or not chosen or len(set(chosen)) != len(chosen):
        raise ValueError(
            f"languages must be distinct names from {', '.join(WORD_LANGUAGES)}, not {chosen!r}"
        )
    _check_count("min_length", min_length)
    if max_length is not None:
        _check_count("max_length", max_length)
        if max_length < min_length:
            raise ValueError(
                f"max_length ({max_length}) must be at least min_length ({min_length})"
            )
    if per_language is not None:
        _check_count("per_language", per_language)

    def from_debian() -> Pair:
        lists = []
        for language in chosen:
            path = _word_file(language)
            lists.append(_read_word_list(str(path), path.stat().st_mtime))
        counts: dict[str, int] = {}
        for words in lists:
            for word in words:
                counts[word] = counts.get(word, 0) + 1
        rng = np.random.default_rng(seed)
        all_words, all_labels = [], []
        for label, (language, words) in enumerate(zip(chosen, lists, strict=True)):
            kept = sorted(
                word
                for word in words
                if counts[word] == 1
                and len(word) >= min_length
                and (max_length is None or len(word) <= max_length)
            )
            if per_language is not None:
                if per_language > len(kept):
                    raise ValueError(
                        f"per_language={per_language} is more than the {len(kept)} {language} "
                        "words of that length"
                    )
                kept = [
                    kept[i] for i in np.sort(rng.choice(len(kept), per_language, replace=False))
                ]
            all_words.extend(kept)
            all_labels.extend([label] * len(kept))
        order = rng.permutation(len(all_words))
        return np.asarray(all_words, dtype=str)[order], np.asarray(all_labels, np.int64)[order]

    return _try_sources("Word lists", [("Debian word lists", from_debian)], _INFO_WORDS.how_to_get)


_INFO_WORDS = DatasetInfo(
    name="words",
    title="Words of five languages",
    kind="files",
    returns="words (n,) str, labels (n,) int64 (index into languages)",
    description="Lower-cased words from Debian's English, French, German, Spanish and "
    "Italian word lists; words shared by two languages are left out.",
    class_names=WORD_LANGUAGES,
    how_to_get=(
        "on Debian or Ubuntu run `sudo apt-get install wamerican wfrench wngerman wspanish "
        "witalian` (the course's `make setup` does it); or copy the files american-english, "
        "french, ngerman, spanish, italian (one word per line, UTF-8) into "
        "$DLCOURSE_DATA_DIR/words/."
    ),
    system_packages=tuple(package for _, package in WORD_LISTS.values()),
)
register("words", _INFO_WORDS, load_words)


# --------------------------------------------------------------------------- pipelines


def as_dataset(
    X: Any,
    y: Any = None,
    *,
    batch_size: int = 32,
    shuffle: bool = False,
    seed: int = 0,
) -> Any:
    """The batches of ``(X, y)`` as a dataset for ``fit``, built once and reused.

    Given NumPy arrays, Keras builds a new input pipeline at every epoch and every
    validation pass; for the small models of the lessons that costs more than the
    training. Build the dataset once with this function and pass it to ``fit``,
    ``evaluate`` or ``validation_data``; call ``fit(..., shuffle=False)``: the dataset
    shuffles itself (``shuffle=True`` here), and Keras warns that its own default
    ``shuffle=True`` does nothing for a dataset.

    With TensorFlow installed this is a cached, prefetched ``tf.data.Dataset``, whatever
    Keras' backend. Without it (Colab's TPU runtime: Keras on JAX), it is a
    ``keras.utils.PyDataset`` over the same arrays with the same batches, which every
    Keras backend reads.

    Args:
        X: inputs, shape (n, ...); y: targets, shape (n, ...), or None for inputs only.
        batch_size: samples per batch (the last batch may be smaller).
        shuffle: reshuffle the samples every epoch (for training sets), seeded by ``seed``.

    Returns:
        A dataset of ``(x_batch, y_batch)`` (or ``x_batch`` when y is None).
    """
    _check_count("batch_size", batch_size)
    if y is not None and len(X) != len(y):
        raise ValueError(f"X and y must have the same length, not {len(X)} and {len(y)}")
    if importlib.util.find_spec("tensorflow") is None:
        return _array_batches(X, y, batch_size, shuffle, seed)
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices(X if y is None else (X, y)).cache()
    if shuffle:
        dataset = dataset.shuffle(len(X), seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def _array_batches(X: Any, y: Any, batch_size: int, shuffle: bool, seed: int) -> Any:
    """``as_dataset`` without TensorFlow: a ``keras.utils.PyDataset`` of array batches."""
    import keras

    X, y = np.asarray(X), None if y is None else np.asarray(y)

    class ArrayBatches(keras.utils.PyDataset):
        """Batches of in-memory arrays; a new seeded order every epoch when shuffling."""

        def __init__(self) -> None:
            super().__init__()
            self.rng = np.random.default_rng(seed)
            self.order = self.rng.permutation(len(X)) if shuffle else np.arange(len(X))

        def __len__(self) -> int:
            return -(-len(X) // batch_size)

        def __getitem__(self, index: int) -> Any:
            rows = self.order[index * batch_size : (index + 1) * batch_size]
            return X[rows] if y is None else (X[rows], y[rows])

        def on_epoch_end(self) -> None:
            if shuffle:
                self.order = self.rng.permutation(len(X))

    return ArrayBatches()


# --------------------------------------------------------------------------- splitting


def train_val_test_split(
    X: Array,
    y: Array,
    *,
    val_size: float = 0.2,
    test_size: float = 0.2,
    seed: int = 0,
    stratify: bool = False,
) -> tuple[Pair, Pair, Pair]:
    """Shuffle and split into training, validation and test sets.

    Args:
        X: inputs, shape (n, ...); y: targets, shape (n, ...).
        val_size, test_size: fractions of all n samples (each > 0, together < 1).
        seed: seeds the shuffle (the global NumPy state is not touched).
        stratify: keep each class's share the same in all three splits (y must be labels).

    Returns:
        ``(X_train, y_train), (X_val, y_val), (X_test, y_test)``; the splits are disjoint
        and together hold every sample once.
    """
    from sklearn.model_selection import train_test_split

    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same length, not {len(X)} and {len(y)}")
    for label, size in (("val_size", val_size), ("test_size", test_size)):
        if not 0.0 < size < 1.0:
            raise ValueError(f"{label} must be a fraction between 0 and 1, not {size}")
    if val_size + test_size >= 1.0:
        raise ValueError(
            f"val_size + test_size must leave data to train on, not {val_size + test_size}"
        )
    # Whole counts, rounded once: fractions of fractions would round twice.
    n_test, n_val = round(test_size * len(X)), round(val_size * len(X))
    if min(n_test, n_val, len(X) - n_test - n_val) < 1:
        raise ValueError(
            f"{len(X)} samples are too few for val_size={val_size} and test_size={test_size}: "
            f"every split needs at least one sample"
        )
    X_rest, X_test, y_rest, y_test = train_test_split(
        X, y, test_size=n_test, random_state=seed, stratify=y if stratify else None
    )
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest,
        y_rest,
        test_size=n_val,
        random_state=seed,
        stratify=y_rest if stratify else None,
    )
    return (X_train, y_train), (X_val, y_val), (X_test, y_test)
