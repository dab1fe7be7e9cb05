"""dlcourse.setup(): quiet start, seeds, device choice (real CPU; GPU and TPU faked)."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest

import dlcourse
from dlcourse import backend

SUMMARY = re.compile(
    r"^dlcourse \d+\.\d+\.\d+ \| TensorFlow \d+\.\d+\.\d+ \| Keras \d+\.\d+\.\d+ "
    r"\| CPU x\d+ \| seed 0$"
)


def test_first_import_and_setup_print_one_line_and_nothing_on_stderr(tmp_path):
    """The issue's acceptance command, in a fresh Python with no TF variables set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "DLCOURSE_"))}
    env.update(HOME=str(tmp_path), MPLCONFIGDIR=str(tmp_path / "mpl"))
    env.pop("KERAS_HOME", None)
    result = subprocess.run(
        [sys.executable, "-c", "import dlcourse; print(dlcourse.setup().describe())"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", f"log noise on stderr:\n{result.stderr}"
    lines = result.stdout.splitlines()
    # setup() prints the line once, and the command prints describe() again.
    assert len(lines) == 2 and lines[0] == lines[1], result.stdout
    assert SUMMARY.match(lines[0]), lines[0]


def test_setup_returns_cpu_environment(capsys):
    env = dlcourse.setup(seed=0)
    assert env.kind == "CPU"
    assert not env.has_gpu and not env.accelerated
    assert env.cpu_count >= 1
    assert env.devices and all("CPU" in name for name in env.devices)
    assert env.strategy.num_replicas_in_sync == 1
    assert capsys.readouterr().out.strip() == env.describe()
    assert SUMMARY.match(env.describe())


def test_same_seed_same_numbers():
    import tensorflow as tf

    def draw():
        return np.random.rand(3), tf.random.uniform((3,)).numpy(), random.random()

    dlcourse.setup(seed=7, verbose=False)
    first = draw()
    dlcourse.setup(seed=7, verbose=False)
    second = draw()
    dlcourse.setup(seed=8, verbose=False)
    third = draw()
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], third[0])


def test_describe_lists_switches():
    env = backend.Environment(
        kind="GPU",
        devices=["/physical_device:GPU:0", "/physical_device:GPU:1"],
        strategy=None,
        seed=None,
        deterministic=True,
        mixed_precision=True,
        in_colab=True,
        versions={"dlcourse": "0.1.0", "tensorflow": "2.21.0", "keras": "3.15.1"},
    )
    assert env.describe() == (
        "dlcourse 0.1.0 | TensorFlow 2.21.0 | Keras 3.15.1 | GPU x2 | not seeded"
        " | deterministic ops | mixed precision | Colab"
    )
    assert env.has_gpu and env.accelerated


def test_asking_for_a_missing_gpu_says_so(capsys):
    env = dlcourse.setup(device="gpu", mixed_precision=True)
    assert env.kind == "CPU" and not env.mixed_precision
    out = capsys.readouterr().out
    assert "note: no GPU found; using the CPU" in out
    assert "mixed precision asked for" in out
    import keras

    assert keras.mixed_precision.global_policy().name == "float32"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"device": "cuda"}, "device must be"),
        ({"seed": -1}, "seed must be"),
        ({"seed": 1.5}, "seed must be"),
        ({"seed": True}, "seed must be"),
    ],
)
def test_bad_arguments_are_clear_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        dlcourse.setup(**kwargs)


def test_missing_tensorflow_says_how_to_install(monkeypatch):
    monkeypatch.setattr(backend.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match="pip install tensorflow-cpu"):
        dlcourse.setup()


def test_colab_detection(monkeypatch):
    monkeypatch.delenv("COLAB_RELEASE_TAG", raising=False)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert not backend.in_colab()
    monkeypatch.setenv("COLAB_RELEASE_TAG", "release-colab-20261101")
    assert backend.in_colab()


def test_colab_install_line():
    line = dlcourse.colab_install_line("https://github.com/org/course.git/", ref="v1.0")
    assert line == (
        '%pip install --quiet "dlcourse @ git+https://github.com/org/course@v1.0#subdirectory=lib"'
    )
    with pytest.raises(ValueError, match="https"):
        dlcourse.colab_install_line("git@github.com:org/course.git")
    with pytest.raises(ValueError, match="ref"):
        dlcourse.colab_install_line("https://github.com/org/course", ref="a b")


# --------------------------------------------------------------------------- fakes
# The GPU and TPU branches cannot run on a CPU machine; a fake `tf` records what
# setup() asks of TensorFlow.


class FakeTF:
    """Just enough of the `tensorflow` module for backend._pick_device and friends."""

    def __init__(
        self, gpus=0, capability=(8, 0), tpu_error=None, initialized=False, local_only=False
    ):
        self.calls: list[tuple] = []
        self._gpus = [SimpleNamespace(name=f"/physical_device:GPU:{i}") for i in range(gpus)]
        self._visible = list(self._gpus)
        self._growth: dict[str, bool] = {}
        self._initialized = initialized
        fake = self

        class Resolver:
            def __init__(self, **arguments):
                fake.calls.append(("resolver", arguments))
                if tpu_error is not None and (not local_only or arguments):
                    raise tpu_error

        def set_memory_growth(gpu, value):
            if fake._initialized:
                raise RuntimeError("Physical devices cannot be modified after being initialized")
            fake._growth[gpu.name] = value
            fake.calls.append(("memory_growth", gpu.name, value))

        def set_visible_devices(devices, kind):
            if fake._initialized:
                raise RuntimeError("Visible devices cannot be modified after being initialized")
            fake._visible = list(devices)
            fake.calls.append(("visible", kind, len(devices)))

        self.config = SimpleNamespace(
            list_physical_devices=lambda kind: (
                list(self._gpus)
                if kind == "GPU"
                else [SimpleNamespace(name="/physical_device:CPU:0")]
            ),
            get_visible_devices=lambda kind: list(self._visible),
            set_visible_devices=set_visible_devices,
            list_logical_devices=lambda kind: [
                SimpleNamespace(name=f"/device:TPU:{i}") for i in range(8)
            ],
            experimental=SimpleNamespace(
                set_memory_growth=set_memory_growth,
                get_memory_growth=lambda gpu: self._growth.get(gpu.name, False),
                get_device_details=lambda gpu: {
                    "device_name": "Fake GPU",
                    "compute_capability": capability,
                },
            ),
            experimental_connect_to_cluster=lambda resolver: self.calls.append(("connect",)),
        )
        self.tpu = SimpleNamespace(
            experimental=SimpleNamespace(
                initialize_tpu_system=lambda resolver: self.calls.append(("init_tpu",))
            )
        )
        self.distribute = SimpleNamespace(
            cluster_resolver=SimpleNamespace(TPUClusterResolver=Resolver),
            TPUStrategy=lambda resolver: "TPUStrategy",
            MirroredStrategy=lambda: "MirroredStrategy",
            get_strategy=lambda: "DefaultStrategy",
        )


class FakeKeras:
    def __init__(self):
        self.policy = "float32"
        self.mixed_precision = SimpleNamespace(
            set_global_policy=self._set, global_policy=lambda: SimpleNamespace(name=self.policy)
        )

    def _set(self, name):
        self.policy = name


@pytest.fixture
def no_tpu_hints(monkeypatch):
    for name in backend._TPU_HINTS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(backend.os.path, "exists", lambda path: False)


def test_one_gpu_gets_memory_growth_and_default_strategy(no_tpu_hints):
    tf, notes = FakeTF(gpus=1), []
    kind, devices, strategy = backend._pick_device(tf, "auto", notes)
    assert (kind, devices, strategy) == ("GPU", ["/physical_device:GPU:0"], "DefaultStrategy")
    assert tf.calls == [("memory_growth", "/physical_device:GPU:0", True)]
    assert notes == []


def test_two_gpus_use_mirrored_strategy(no_tpu_hints):
    kind, devices, strategy = backend._pick_device(FakeTF(gpus=2), "auto", [])
    assert kind == "GPU" and len(devices) == 2 and strategy == "MirroredStrategy"


def test_memory_growth_after_start_is_a_note_not_a_crash(no_tpu_hints):
    tf, notes = FakeTF(gpus=1, initialized=True), []
    kind, _, _ = backend._pick_device(tf, "auto", notes)
    assert kind == "GPU"
    assert len(notes) == 1 and "restart the kernel" in notes[0]


def test_device_cpu_hides_gpus(no_tpu_hints):
    tf, notes = FakeTF(gpus=1), []
    kind, _, _ = backend._pick_device(tf, "cpu", notes)
    assert kind == "CPU"
    assert ("visible", "GPU", 0) in tf.calls
    assert not any(call[0] == "memory_growth" for call in tf.calls)


@pytest.mark.parametrize(
    ("kind", "capability", "enabled", "policy", "note"),
    [
        ("GPU", (8, 0), True, "mixed_float16", None),
        ("GPU", (6, 1), False, "float32", "compute capability 6.1, below 7.0"),
        ("TPU", (0, 0), True, "mixed_bfloat16", None),
        ("CPU", (0, 0), False, "float32", "only pays off on a GPU"),
    ],
)
def test_mixed_precision_only_where_supported(kind, capability, enabled, policy, note):
    tf, keras, notes = FakeTF(gpus=1, capability=capability), FakeKeras(), []
    assert backend._enable_mixed_precision(tf, keras, kind, notes) is enabled
    assert keras.policy == policy
    if note is None:
        assert notes == []
    else:
        assert len(notes) == 1 and note in notes[0]


def test_tpu_is_used_when_reachable(monkeypatch, no_tpu_hints):
    monkeypatch.setenv("COLAB_TPU_ADDR", "10.0.0.2:8470")
    tf, notes = FakeTF(gpus=0), []
    kind, devices, strategy = backend._pick_device(tf, "auto", notes)
    assert (kind, len(devices), strategy) == ("TPU", 8, "TPUStrategy")
    assert ("connect",) in tf.calls and ("init_tpu",) in tf.calls
    assert notes == []


def test_unreachable_tpu_falls_back_and_says_so(monkeypatch, no_tpu_hints):
    monkeypatch.setenv("TPU_NAME", "local")
    tf, notes = FakeTF(gpus=0, tpu_error=ValueError("Could not reach TPU")), []
    kind, _, strategy = backend._pick_device(tf, "auto", notes)
    assert (kind, strategy) == ("CPU", "DefaultStrategy")
    assert len(notes) == 1
    assert "TPU runtime found, but this TensorFlow cannot use it" in notes[0]
    assert "ValueError: Could not reach TPU" in notes[0]


def test_no_tpu_hint_means_no_resolver(no_tpu_hints):
    """Without a TPU runtime the resolver (which may query a metadata server) is not built."""
    tf = FakeTF(gpus=0, tpu_error=AssertionError("the resolver must not be constructed"))
    notes = []
    kind, _, _ = backend._pick_device(tf, "auto", notes)
    assert kind == "CPU" and notes == []


def test_asking_for_tpu_without_one(no_tpu_hints):
    notes = []
    kind, _, _ = backend._pick_device(FakeTF(gpus=1), "tpu", notes)
    assert kind == "GPU"
    assert notes == ["no TPU found; using the GPU or CPU instead"]


def test_determinism_is_reported_as_it_is(monkeypatch, capsys):
    """Op determinism cannot be turned off again; a later setup() must not claim it is off."""
    import tensorflow as tf

    calls = []
    monkeypatch.setattr(tf.config.experimental, "enable_op_determinism", lambda: calls.append(1))
    monkeypatch.setattr(backend, "_determinism_on", False)
    assert dlcourse.setup(deterministic=True, verbose=False).deterministic
    assert calls == [1]
    env = dlcourse.setup(deterministic=False)
    assert env.deterministic
    assert "deterministic ops" in env.describe()
    assert "op determinism stays on" in capsys.readouterr().out


def test_a_tpu_vm_is_reached_with_tpu_local_first(monkeypatch, no_tpu_hints):
    monkeypatch.setenv("TPU_ACCELERATOR_TYPE", "v5e-1")
    tf, notes = FakeTF(gpus=0), []
    kind, _, _ = backend._pick_device(tf, "auto", notes)
    assert kind == "TPU" and tf.calls[0] == ("resolver", {"tpu": "local"}) and notes == []
    # An older TPU node, where "local" fails: the resolver without arguments finds it.
    tf = FakeTF(gpus=0, tpu_error=ValueError("no local TPU"), local_only=True)
    kind, _, _ = backend._pick_device(tf, "auto", notes)
    assert kind == "TPU" and [c for c in tf.calls if c[0] == "resolver"] == [
        ("resolver", {"tpu": "local"}),
        ("resolver", {}),
    ]


def _fake_jax_runtime(monkeypatch, platform="tpu"):
    """A runtime with Keras and JAX but no TensorFlow (Colab's TPU runtime)."""
    seeds = []
    jax = SimpleNamespace(
        __version__="0.7.0",
        default_backend=lambda: platform,
        devices=lambda: [f"TpuDevice(id={i})" for i in range(4)],
    )
    keras = SimpleNamespace(
        __version__="3.13.2",
        backend=SimpleNamespace(backend=lambda: "jax"),
        utils=SimpleNamespace(set_random_seed=seeds.append),
        mixed_precision=FakeKeras().mixed_precision,
    )
    monkeypatch.setitem(sys.modules, "jax", jax)
    monkeypatch.setitem(sys.modules, "keras", keras)
    real = backend.importlib.util.find_spec
    monkeypatch.setattr(
        backend.importlib.util,
        "find_spec",
        lambda name: (
            None if name == "tensorflow" else (object() if name in ("jax", "keras") else real(name))
        ),
    )
    # setup() sets KERAS_BACKEND: set it here first, so that the test's end removes it
    # again (later tests start TensorFlow lessons in subprocesses of this process).
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    monkeypatch.delenv("KERAS_BACKEND")
    return seeds


def test_without_tensorflow_keras_runs_on_jax_and_says_so(monkeypatch, capsys):
    seeds = _fake_jax_runtime(monkeypatch)
    env = dlcourse.setup(seed=3)
    assert (env.kind, len(env.devices), env.strategy, seeds) == ("TPU", 4, None, [3])
    assert backend.os.environ["KERAS_BACKEND"] == "jax"
    out = capsys.readouterr().out.splitlines()
    assert (
        out[0].startswith("dlcourse ") and "| JAX 0.7.0 | Keras 3.13.2 | TPU x4 | seed 3" in out[0]
    )
    assert out[1].startswith("note: no TensorFlow here: Keras runs on JAX")


def test_a_tensorflow_lesson_on_a_jax_runtime_says_what_to_do(monkeypatch):
    _fake_jax_runtime(monkeypatch)
    with pytest.raises(ImportError, match="Switch to a CPU or GPU runtime"):
        dlcourse.setup(requires_tensorflow=True)


def test_native_stderr_is_hidden_during_the_block_and_restored(capfd):
    import os

    with backend._native_stderr_hidden():
        os.write(2, b"cuInit: UNKNOWN ERROR (303)\n")
    os.write(2, b"visible again\n")
    with pytest.raises(ZeroDivisionError), backend._native_stderr_hidden():
        raise ZeroDivisionError
    os.write(2, b"and after an error\n")
    assert capfd.readouterr().err == "visible again\nand after an error\n"
