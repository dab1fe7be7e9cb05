"""dlcourse.data: every source branch of load(), the generators and the split helper.

Fashion-MNIST sources are proven on small fake IDX files written in a temporary folder;
the network is always faked (tests/conftest.py sets DLCOURSE_OFFLINE=1).
"""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import numpy as np
import pytest

from dlcourse import data

HAS_DEBIAN_FASHION = (data.DEBIAN_FASHION_MNIST / data.FASHION_MNIST_FILES[0]).is_file()
HAS_WORD_LISTS = all(path.is_file() for path, _ in data.WORD_LISTS.values())


# --------------------------------------------------------------------------- helpers


def write_idx(path: Path, array: np.ndarray) -> None:
    """Write a uint8 array as a gzipped IDX file (magic 2049 for 1-D, 2051 for 3-D)."""
    magic = {1: 2049, 3: 2051}[array.ndim]
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wb") as handle:
        handle.write(header + array.astype(np.uint8).tobytes())


def write_fake_fashion(folder: Path, n_train: int = 6, n_test: int = 4, fill: int = 7) -> None:
    """Four IDX files shaped like Fashion-MNIST's, with recognisable contents."""
    images = np.full((n_train, 28, 28), fill, np.uint8)
    images[:, 0, 0] = np.arange(n_train)
    write_idx(folder / "train-images-idx3-ubyte.gz", images)
    write_idx(folder / "train-labels-idx1-ubyte.gz", np.arange(n_train) % 10)
    write_idx(folder / "t10k-images-idx3-ubyte.gz", np.full((n_test, 28, 28), fill, np.uint8))
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.arange(n_test) % 10)


@pytest.fixture
def isolated(monkeypatch, tmp_path):
    """No real source: empty Keras cache, no Debian folder, no data dir, no /tmp cache."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.delenv("DLCOURSE_DATA_DIR", raising=False)
    monkeypatch.setattr(data, "DEBIAN_FASHION_MNIST", tmp_path / "debian" / "fashion-mnist")
    monkeypatch.setattr(data, "_cache_dirs", lambda: [data.keras_cache_dir()])
    data._read_fashion_folder_cached.cache_clear()
    return tmp_path


# --------------------------------------------------------------------------- registry


def test_registry_lists_every_dataset_the_course_needs():
    expected = {
        "digits", "iris", "wine", "breast_cancer", "diabetes", "fashion_mnist", "mnist",
        "imdb", "linear", "curve", "moons", "circles", "spirals", "house_prices",
        "sunspots", "co2", "words",
    }  # fmt: skip
    assert expected <= set(data.names())
    for name in data.names():
        info = data.info(name)
        assert info.name == name and info.title and info.returns and info.how_to_get


def test_unknown_name_suggests_close_ones():
    with pytest.raises(ValueError, match=r"unknown dataset 'fashon_mnist'\. Did you mean "):
        data.load("fashon_mnist")


def test_names_are_normalised():
    X, y = data.load("Breast-Cancer")
    assert X.shape == (569, 30)


def test_register_refuses_a_taken_name():
    with pytest.raises(ValueError, match="already registered"):
        data.register("digits", data.info("digits"), data.load_digits)


# --------------------------------------------------------------------------- bundled


@pytest.mark.parametrize(
    ("name", "shape", "n_classes"),
    [
        ("iris", (150, 4), 3),
        ("wine", (178, 13), 3),
        ("breast_cancer", (569, 30), 2),
        ("digits", (1797, 64), 10),
        ("diabetes", (442, 10), None),
    ],
)
def test_bundled_tables(name, shape, n_classes):
    X, y = data.load(name)
    assert X.shape == shape and X.dtype == np.float32
    assert y.shape == (shape[0],)
    if n_classes is None:
        assert y.dtype == np.float32
        assert data.info(name).class_names == ()
    else:
        assert y.dtype == np.int64 and set(np.unique(y)) == set(range(n_classes))
        assert len(data.info(name).class_names) == n_classes
    assert len(data.info(name).feature_names) == shape[1]


def test_digits_as_images():
    X, y = data.load("digits", as_images=True, dtype="float64")
    assert X.shape == (1797, 8, 8) and X.dtype == np.float64
    assert X.min() == 0 and X.max() == 16


def test_diabetes_raw_measurements():
    X_raw, y_raw = data.load("diabetes", scaled=False)
    X_scaled, y_scaled = data.load("diabetes")
    assert X_raw.shape == X_scaled.shape == (442, 10)
    assert X_raw[:, 0].min() >= 19 and X_raw[:, 0].max() <= 79  # age in years
    assert abs(float(X_scaled[:, 0].mean())) < 1e-6  # scikit-learn's centred columns
    assert (y_raw == y_scaled).all()


def test_scaled_is_refused_where_there_is_no_raw_variant():
    with pytest.raises(ValueError, match="iris has no scaled/raw variants"):
        data.load("iris", scaled=False)


# --------------------------------------------------------------------------- Fashion-MNIST


def test_fashion_mnist_from_debian_folder(isolated):
    write_fake_fashion(data.DEBIAN_FASHION_MNIST)
    (x_train, y_train), (x_test, y_test) = data.load("fashion_mnist")
    assert x_train.shape == (6, 28, 28) and x_train.dtype == np.uint8
    assert y_train.dtype == np.uint8 and y_train.tolist() == [0, 1, 2, 3, 4, 5]
    assert x_test.shape == (4, 28, 28) and y_test.shape == (4,)
    assert x_train[:, 0, 0].tolist() == [0, 1, 2, 3, 4, 5]
    assert not x_train.flags.writeable  # as Keras' arrays


def test_keras_cache_comes_before_debian(isolated):
    write_fake_fashion(data.DEBIAN_FASHION_MNIST, fill=1)
    write_fake_fashion(data.keras_cache_dir() / "fashion-mnist", fill=2)
    (x_train, _), _ = data.load("fashion_mnist")
    assert x_train[0, 5, 5] == 2


def test_data_dir_comes_first(isolated, monkeypatch):
    write_fake_fashion(data.keras_cache_dir() / "fashion-mnist", fill=2)
    write_fake_fashion(isolated / "mine" / "fashion-mnist", fill=3)
    monkeypatch.setenv("DLCOURSE_DATA_DIR", str(isolated / "mine"))
    (x_train, _), _ = data.load("fashion_mnist")
    assert x_train[0, 5, 5] == 3


def test_a_corrupt_source_is_skipped_and_reported(isolated):
    folder = data.keras_cache_dir() / "fashion-mnist"
    write_fake_fashion(folder, fill=2)
    (folder / "train-images-idx3-ubyte.gz").write_bytes(b"not gzip at all")
    write_fake_fashion(data.DEBIAN_FASHION_MNIST, fill=1)
    (x_train, _), _ = data.load("fashion_mnist")
    assert x_train[0, 5, 5] == 1  # fell through to the Debian copy


def test_truncated_file_is_not_returned(isolated):
    folder = data.DEBIAN_FASHION_MNIST
    write_fake_fashion(folder)
    raw = gzip.decompress((folder / "train-images-idx3-ubyte.gz").read_bytes())
    with gzip.open(folder / "train-images-idx3-ubyte.gz", "wb") as handle:
        handle.write(raw[:-100])
    with pytest.raises(data.DatasetUnavailableError, match="truncated"):
        data.load("fashion_mnist")


def test_nothing_available_fails_fast_naming_every_source(isolated):
    start = time.perf_counter()
    with pytest.raises(data.DatasetUnavailableError) as caught:
        data.load("fashion_mnist")
    elapsed = time.perf_counter() - start
    message = str(caught.value)
    assert elapsed < 1.0
    assert "Fashion-MNIST is not available on this machine" in message
    for source in ("DLCOURSE_DATA_DIR", "Keras cache", "Debian package", "Keras download"):
        assert source in message
    assert "DLCOURSE_OFFLINE" in message
    assert "sudo apt-get install dataset-fashion-mnist" in message


def test_no_network_is_detected_without_hanging(isolated, monkeypatch):
    """Downloads on, network down: the probe says so and nothing is downloaded."""
    monkeypatch.delenv("DLCOURSE_OFFLINE")
    monkeypatch.setattr(data, "network_reachable", lambda *a, **k: False)
    monkeypatch.setattr(data, "_keras_load_data", pytest.fail)
    with pytest.raises(data.DatasetUnavailableError, match="no network"):
        data.load("fashion_mnist")


def test_download_branch_when_the_network_answers(isolated, monkeypatch):
    monkeypatch.delenv("DLCOURSE_OFFLINE")
    monkeypatch.setattr(data, "network_reachable", lambda *a, **k: True)
    fake = ((np.zeros((2, 28, 28), np.uint8), np.zeros(2, np.uint8)),) * 2
    calls = []

    def load_data(**kwargs):
        calls.append(kwargs)
        return fake

    monkeypatch.setattr(data, "_keras_load_data", lambda module: load_data)
    assert data.load("fashion_mnist") is fake
    assert calls == [{}]


def test_failed_download_is_reported(isolated, monkeypatch):
    monkeypatch.delenv("DLCOURSE_OFFLINE")
    monkeypatch.setattr(data, "network_reachable", lambda *a, **k: True)

    def broken(**kwargs):
        raise Exception("URL fetch failure: 403 Forbidden")

    monkeypatch.setattr(data, "_keras_load_data", lambda module: broken)
    with pytest.raises(data.DatasetUnavailableError, match="download failed .*403 Forbidden"):
        data.load("fashion_mnist")


def test_network_probe_times_out(monkeypatch):
    """A resolver that hangs costs the probe's timeout, not a hang."""

    def hang(*args, **kwargs):
        time.sleep(5)

    monkeypatch.setattr(data.socket, "create_connection", hang)
    start = time.perf_counter()
    assert data.network_reachable(timeout=0.2) is False
    assert time.perf_counter() - start < 1.0


def test_network_probe_real_refusal():
    """A closed local port answers at once with a refusal."""
    assert data.network_reachable(("127.0.0.1", 9), timeout=0.5) is False


@pytest.mark.skipif(not HAS_DEBIAN_FASHION, reason="Debian's dataset-fashion-mnist not installed")
def test_real_fashion_mnist_matches_keras_format():
    (x_train, y_train), (x_test, y_test) = data.load("fashion_mnist")
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == y_train.dtype == np.uint8
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10
    assert data.info("fashion_mnist").class_names[9] == "Ankle boot"


# --------------------------------------------------------------------------- Keras-only sets


@pytest.mark.parametrize("name", ["mnist", "imdb"])
def test_keras_only_sets_fail_fast_offline(isolated, name):
    start = time.perf_counter()
    with pytest.raises(data.DatasetUnavailableError, match="Keras \\(cache or download\\)"):
        data.load(name)
    assert time.perf_counter() - start < 1.0


def test_keras_only_set_reads_the_cache_without_network(isolated, monkeypatch):
    cache = data.keras_cache_dir()
    cache.mkdir(parents=True)
    (cache / "mnist.npz").write_bytes(b"placeholder")
    monkeypatch.setattr(data, "_keras_load_data", lambda module: lambda **kw: ("cached", module))
    monkeypatch.setattr(data, "network_reachable", pytest.fail)
    assert data.load("mnist") == ("cached", "mnist")


def test_imdb_passes_its_arguments(isolated, monkeypatch):
    monkeypatch.delenv("DLCOURSE_OFFLINE")
    monkeypatch.setattr(data, "network_reachable", lambda *a, **k: True)
    monkeypatch.setattr(data, "_keras_load_data", lambda module: lambda **kw: kw)
    assert data.load("imdb", num_words=500, maxlen=80) == {"num_words": 500, "maxlen": 80}


# --------------------------------------------------------------------------- generated


def test_make_linear_recovers_its_parameters():
    X, y, W, b = data.make_linear(500, 3, noise=0.01, bias=2.0, seed=1, return_params=True)
    assert X.shape == (500, 3) and y.shape == (500,) and W.shape == (3,)
    assert X.dtype == y.dtype == np.float32
    A = np.c_[X, np.ones(len(X))].astype(np.float64)
    fitted = np.linalg.lstsq(A, y.astype(np.float64), rcond=None)[0]
    np.testing.assert_allclose(fitted, np.r_[W, b], atol=0.01)


def test_make_linear_given_weights_and_bad_shape():
    _, _, W, _ = data.make_linear(10, 2, weights=[1.0, -1.0], return_params=True)
    assert W.tolist() == [1.0, -1.0]
    with pytest.raises(ValueError, match=r"weights must have shape \(2,\)"):
        data.make_linear(10, 2, weights=[1.0])


@pytest.mark.parametrize("fn", ["linear", "quadratic", "cubic", "sine", np.cos])
def test_make_curve(fn):
    X, y = data.make_curve(50, fn=fn, noise=0.0, x_range=(-2, 2))
    assert X.shape == (50, 1) and y.shape == (50,)
    assert np.all(np.diff(X[:, 0]) >= 0) and X.min() >= -2 and X.max() <= 2
    reference = np.cos if callable(fn) else data._CURVES[fn]
    np.testing.assert_allclose(y, reference(X[:, 0].astype(np.float64)), rtol=1e-5, atol=1e-5)


def test_make_curve_outliers():
    X, clean = data.make_curve(200, fn="linear", noise=0.0, seed=3)
    _, dirty = data.make_curve(200, fn="linear", noise=0.0, seed=3, outliers=0.05)
    moved = np.abs(dirty - clean) > 1.0
    assert moved.sum() == 10
    with pytest.raises(ValueError, match="outliers"):
        data.make_curve(10, outliers=0.9)
    with pytest.raises(ValueError, match="fn must be one of"):
        data.make_curve(10, fn="tan")


@pytest.mark.parametrize(("name", "n_classes"), [("moons", 2), ("circles", 2), ("spirals", 3)])
def test_classification_generators(name, n_classes):
    X, y = data.load(name, n_samples=90, seed=4)
    assert X.shape == (90, 2) and X.dtype == np.float32
    assert y.shape == (90,) and y.dtype == np.int64
    counts = np.bincount(y)
    assert len(counts) == n_classes and counts.max() - counts.min() <= 1


def test_spirals_are_not_linearly_separable():
    from sklearn.linear_model import LogisticRegression

    X, y = data.make_spirals(600, n_classes=2, noise=0.05, turns=1.5, seed=0)
    accuracy = LogisticRegression().fit(X, y).score(X, y)
    assert accuracy < 0.75


def test_house_prices_is_a_sensible_table():
    X, y = data.load("house_prices", n_samples=300, seed=2)
    assert X.shape == (300, 5) and y.shape == (300,)
    rooms, bathrooms, garage, area, age = X.T
    assert set(np.unique(garage)) <= {0, 1}
    assert rooms.min() >= 1 and rooms.max() <= 8 and bathrooms.max() <= 4
    assert (area > 0).all() and (age >= 0).all() and (y > 0).mean() > 0.95
    assert data.info("house_prices").feature_names == data.HOUSE_PRICE_FEATURES


@pytest.mark.parametrize("name", ["linear", "curve", "moons", "circles", "spirals", "house_prices"])
def test_generators_are_seeded_and_leave_global_state_alone(name):
    state = np.random.get_state()[1].copy()
    first = data.load(name, seed=5)
    second = data.load(name, seed=5)
    other = data.load(name, seed=6)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])
    np.testing.assert_array_equal(np.random.get_state()[1], state)


@pytest.mark.parametrize("bad", [0, -3, 2.5, True])
def test_generators_reject_bad_counts(bad):
    with pytest.raises(ValueError, match="n_samples must be a positive int"):
        data.make_moons(bad)


# --------------------------------------------------------------------------- splitting


def test_split_is_disjoint_complete_and_seeded():
    X = np.arange(100).reshape(50, 2)
    y = np.arange(50)
    (Xa, ya), (Xb, yb), (Xc, yc) = data.train_val_test_split(X, y, val_size=0.2, test_size=0.3)
    assert (len(ya), len(yb), len(yc)) == (25, 10, 15)
    assert sorted(np.r_[ya, yb, yc].tolist()) == list(range(50))
    np.testing.assert_array_equal(Xa[:, 0] // 2, ya)  # rows stay with their targets
    again = data.train_val_test_split(X, y, val_size=0.2, test_size=0.3)
    np.testing.assert_array_equal(again[0][1], ya)
    other = data.train_val_test_split(X, y, val_size=0.2, test_size=0.3, seed=1)
    assert not np.array_equal(other[0][1], ya)


def test_split_stratified_keeps_class_shares():
    y = np.r_[np.zeros(80, int), np.ones(20, int)]
    X = np.zeros((100, 1))
    splits = data.train_val_test_split(X, y, val_size=0.25, test_size=0.25, stratify=True)
    for _, part in splits:
        assert part.mean() == pytest.approx(0.2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"val_size": 0.0}, "val_size must be a fraction"),
        ({"test_size": 1.2}, "test_size must be a fraction"),
        ({"val_size": 0.5, "test_size": 0.5}, "must leave data to train on"),
    ],
)
def test_split_rejects_bad_sizes(kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.train_val_test_split(np.zeros((10, 1)), np.zeros(10), **kwargs)


def test_split_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="same length, not 10 and 9"):
        data.train_val_test_split(np.zeros((10, 1)), np.zeros(9))


def test_split_too_small():
    with pytest.raises(ValueError, match="too few"):
        data.train_val_test_split(np.zeros((3, 1)), np.zeros(3), val_size=0.1, test_size=0.1)


# --------------------------------------------------------------------------- time series


def test_sunspots():
    years, counts = data.load("sunspots")
    assert years.shape == counts.shape == (309,)
    assert years.dtype == np.int64 and counts.dtype == np.float32
    assert years[0] == 1700 and years[-1] == 2008 and (np.diff(years) == 1).all()
    assert counts.min() >= 0 and np.isfinite(counts).all()


def test_co2_is_weekly_without_gaps():
    dates, ppm = data.load("co2")
    assert dates.shape == ppm.shape == (2284,)
    assert dates.dtype == np.dtype("datetime64[D]") and ppm.dtype == np.float32
    assert (np.diff(dates) == np.timedelta64(7, "D")).all()
    assert np.isfinite(ppm).all() and 310 < ppm.min() < ppm.max() < 380


def test_series_need_no_statsmodels_and_equal_its_copies(monkeypatch):
    sunspots = pytest.importorskip("statsmodels.datasets.sunspots").load_pandas().data
    co2 = pytest.importorskip("statsmodels.datasets.co2").load_pandas().data
    monkeypatch.setitem(__import__("sys").modules, "statsmodels", None)  # as on a TPU runtime
    years, counts = data.load("sunspots")
    assert (years == sunspots["YEAR"].to_numpy().astype(np.int64)).all()
    assert (counts == sunspots["SUNACTIVITY"].to_numpy().astype(np.float32)).all()
    dates, ppm = data.load("co2")
    filled = co2["co2"].interpolate(method="linear", limit_direction="both")
    assert (dates == co2.index.to_numpy().astype("datetime64[D]")).all()
    assert (ppm == filled.to_numpy().astype(np.float32)).all()


# --------------------------------------------------------------------------- word lists


@pytest.fixture
def fake_word_lists(monkeypatch, tmp_path):
    """Three tiny word lists; "piano" is in two of them, "Über" is capitalised."""
    lists = {
        "english": "cat\ndog\nhouse\npiano\nit's\nx\nbird\n",
        "german": "Hund\nKatze\nÜber\npiano\nhaus\nvogel\n",
        "italian": "gatto\ncane\ncasa\nuccello\n",
    }
    files = {}
    for language, text in lists.items():
        path = tmp_path / language
        path.write_text(text, encoding="utf-8")
        files[language] = (path, f"w{language}")
    monkeypatch.setattr(data, "WORD_LISTS", files)
    monkeypatch.delenv("DLCOURSE_DATA_DIR", raising=False)
    return tmp_path


def test_words_are_lower_case_letters_with_one_language_each(fake_word_lists):
    words, labels = data.load("words", languages=["english", "german", "italian"])
    by_language = {lang: set(words[labels == i]) for i, lang in enumerate(("en", "de", "it"))}
    assert by_language["en"] == {"cat", "dog", "house", "bird"}  # not piano, it's, x
    assert by_language["de"] == {"hund", "katze", "über", "haus", "vogel"}
    assert by_language["it"] == {"gatto", "cane", "casa", "uccello"}
    assert words.dtype.kind == "U" and labels.dtype == np.int64


def test_words_lengths_balance_and_seed(fake_word_lists):
    words, labels = data.load(
        "words",
        languages=["english", "german", "italian"],
        min_length=4,
        max_length=5,
        per_language=2,
    )
    assert all(4 <= len(word) <= 5 for word in words)
    assert np.bincount(labels).tolist() == [2, 2, 2]
    again = data.load(
        "words",
        languages=["english", "german", "italian"],
        min_length=4,
        max_length=5,
        per_language=2,
    )
    assert (again[0] == words).all() and (again[1] == labels).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"languages": ["klingon"]}, "languages must be distinct names"),
        ({"languages": ["english", "english"]}, "languages must be distinct names"),
        ({"min_length": 0}, "min_length must be a positive int"),
        ({"min_length": 5, "max_length": 4}, "max_length \\(4\\) must be at least"),
        ({"per_language": 50}, "per_language=50 is more than the 5 english words"),
    ],
)
def test_words_bad_arguments(fake_word_lists, kwargs, message):
    kwargs.setdefault("languages", ["english", "italian"])
    with pytest.raises(ValueError, match=message):
        data.load("words", **kwargs)


def test_missing_word_list_names_its_package(fake_word_lists, monkeypatch):
    lists = dict(data.WORD_LISTS)
    lists["italian"] = (fake_word_lists / "nowhere" / "italian", "witalian")
    monkeypatch.setattr(data, "WORD_LISTS", lists)
    with pytest.raises(data.DatasetUnavailableError, match="Debian package witalian"):
        data.load("words", languages=["english", "italian"])


def test_word_lists_in_the_data_dir_come_first(fake_word_lists, monkeypatch):
    folder = fake_word_lists / "data" / "words"
    folder.mkdir(parents=True)
    (folder / "english").write_text("zebra\n", encoding="utf-8")
    monkeypatch.setenv("DLCOURSE_DATA_DIR", str(fake_word_lists / "data"))
    words, _ = data.load("words", languages=["english"])
    assert words.tolist() == ["zebra"]


@pytest.mark.skipif(not HAS_WORD_LISTS, reason="Debian word lists not installed")
def test_real_word_lists():
    words, labels = data.load("words", per_language=1000, max_length=12)
    assert np.bincount(labels).tolist() == [1000] * 5
    assert len(set(words.tolist())) == len(words)
    assert all(word.isalpha() and word == word.lower() for word in words)


# --------------------------------------------------------------------------- pipelines


def test_as_dataset_batches_every_sample_once():
    X = np.arange(10, dtype=np.float32).reshape(10, 1)
    y = np.arange(10) % 2
    batches = list(data.as_dataset(X, y, batch_size=4))
    assert [len(xb) for xb, _ in batches] == [4, 4, 2]
    assert np.concatenate([xb.numpy() for xb, _ in batches]).ravel().tolist() == list(range(10))


def test_as_dataset_shuffles_every_epoch_with_a_seed():
    X = np.arange(50, dtype=np.float32)
    dataset = data.as_dataset(X, batch_size=50, shuffle=True, seed=3)
    first, second = (next(iter(dataset)).numpy().tolist() for _ in range(2))
    assert first != second and sorted(first) == sorted(second) == list(range(50))
    again = data.as_dataset(X, batch_size=50, shuffle=True, seed=3)
    assert next(iter(again)).numpy().tolist() == first


def test_as_dataset_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="same length, not 3 and 2"):
        data.as_dataset(np.zeros(3), np.zeros(2))


@pytest.fixture
def without_tensorflow(monkeypatch):
    """``as_dataset`` as on Colab's TPU runtime, where TensorFlow is not installed."""
    real_find_spec = data.importlib.util.find_spec
    monkeypatch.setattr(
        data.importlib.util,
        "find_spec",
        lambda name, *args: None if name == "tensorflow" else real_find_spec(name, *args),
    )


def test_as_dataset_without_tensorflow_is_a_keras_py_dataset(without_tensorflow):
    import keras

    X = np.arange(10, dtype=np.float32).reshape(10, 1)
    y = np.arange(10) % 2
    dataset = data.as_dataset(X, y, batch_size=4)
    assert isinstance(dataset, keras.utils.PyDataset)
    batches = [dataset[i] for i in range(len(dataset))]
    assert [len(xb) for xb, _ in batches] == [4, 4, 2]
    assert np.concatenate([xb for xb, _ in batches]).ravel().tolist() == list(range(10))
    assert np.concatenate([yb for _, yb in batches]).tolist() == y.tolist()
    inputs_only = data.as_dataset(X, batch_size=3)
    assert np.asarray(inputs_only[3]).ravel().tolist() == [9.0]


def test_as_dataset_without_tensorflow_shuffles_every_epoch_with_a_seed(without_tensorflow):
    X = np.arange(50, dtype=np.float32)
    dataset = data.as_dataset(X, batch_size=50, shuffle=True, seed=3)
    first = dataset[0].tolist()
    dataset.on_epoch_end()
    second = dataset[0].tolist()
    assert first != second and sorted(first) == sorted(second) == list(range(50))
    assert data.as_dataset(X, batch_size=50, shuffle=True, seed=3)[0].tolist() == first
    assert data.as_dataset(X, batch_size=50)[0].tolist() == list(range(50))


def test_a_model_fits_on_as_dataset_without_tensorflow(without_tensorflow):
    import keras

    X = np.linspace(-1, 1, 64, dtype=np.float32).reshape(64, 1)
    y = 3 * X
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.5), "mse")
    history = model.fit(
        data.as_dataset(X, y, batch_size=16, shuffle=True),
        validation_data=data.as_dataset(X, y, batch_size=64),
        epochs=20,
        shuffle=False,
        verbose=0,
    )
    assert history.history["val_loss"][-1] < 1e-2 < history.history["val_loss"][0]
