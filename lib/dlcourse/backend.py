"""Device set-up: the one call at the top of every lesson.

``dlcourse.setup()`` makes a notebook behave the same on a laptop, in Colab and in the
grader: it keeps TensorFlow's log noise out of the notebook, seeds Python, NumPy and
TensorFlow, picks the accelerator (TPU, GPU or CPU) and prints one line saying what it
chose::

    dlcourse 0.1.0 | TensorFlow 2.21.0 | Keras 3.15.1 | CPU x2 | seed 0

Introduced in lesson 01_tensors; every lesson's locked set-up cell calls it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

DeviceKind = Literal["CPU", "GPU", "TPU"]

#: The Colab cell line that installs this library from the course repository.
#: ``course release`` fills it in from course/course.toml and puts it in every lesson's
#: first cell; outside Colab the line is skipped (see ``colab_install_line``).
COLAB_INSTALL_TEMPLATE = '%pip install --quiet "dlcourse @ git+{repository}@{ref}#subdirectory=lib"'

# Environment variables that TPU runtimes set. Without one of them there is no TPU, and
# TPUClusterResolver is not even tried: on a plain machine it would ask a cloud metadata
# server and can hang.
_TPU_HINTS = ("COLAB_TPU_ADDR", "TPU_NAME", "TPU_ACCELERATOR_TYPE", "TPU_WORKER_ID")

# Compute capability 7.0 (Volta) is the first with tensor cores, where float16 pays off.
_MIXED_PRECISION_MIN_CAPABILITY = (7, 0)

# TensorFlow can turn op determinism on but (publicly) not off: once on, it stays on for
# the rest of the process, and the Environment says so.
_determinism_on = False

_TF_LESSON_HINT = (
    "This lesson teaches TensorFlow itself (its tensors and GradientTape), and this runtime "
    "has Keras with JAX but no TensorFlow (Colab's TPU runtime has none). Switch to a CPU "
    "or GPU runtime (Runtime > Change runtime type) and run this cell again."
)

_TF_INSTALL_HINT = (
    "TensorFlow is not installed in this Python. On a CPU machine run "
    "`pip install tensorflow-cpu`, on an NVIDIA GPU machine `pip install "
    "'tensorflow[and-cuda]'` (in the course repository, `make setup` does it)."
)


@dataclass
class Environment:
    """What ``setup()`` chose. Keep it as ``env`` in the notebook.

    Attributes:
        kind: the accelerator the lesson runs on: "CPU", "GPU" or "TPU".
        devices: names of the devices of that kind, e.g. ``["/physical_device:GPU:0"]``.
        strategy: the ``tf.distribute.Strategy`` to build models under
            (``with env.strategy.scope(): ...``); the default strategy on one device;
            None with Keras on JAX (no TensorFlow).
        seed: the seed given to Python, NumPy and TensorFlow, or None when not seeded.
        deterministic: whether TensorFlow's op determinism is on.
        mixed_precision: whether the Keras dtype policy is "mixed_float16".
        in_colab: whether the notebook runs in Google Colab.
        cpu_count: CPU cores this process may use.
        versions: versions of dlcourse, TensorFlow (or JAX, without TensorFlow) and Keras.
        notes: things the user should know, such as a TPU that was found but not reached.
    """

    kind: DeviceKind
    devices: list[str]
    strategy: Any
    seed: int | None
    deterministic: bool = False
    mixed_precision: bool = False
    in_colab: bool = False
    cpu_count: int = 1
    versions: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def has_gpu(self) -> bool:
        """True when the lesson runs on at least one GPU."""
        return self.kind == "GPU"

    @property
    def accelerated(self) -> bool:
        """True on a GPU or TPU: optional "scale up" cells run only then."""
        return self.kind in ("GPU", "TPU")

    def describe(self) -> str:
        """One line: library versions, device, seed and switches that are on.

        Example: ``dlcourse 0.1.0 | TensorFlow 2.21.0 | Keras 3.15.1 | CPU x2 | seed 0``.
        """
        if self.kind == "CPU":
            device = f"CPU x{self.cpu_count}"
        else:
            device = f"{self.kind} x{len(self.devices)}"
        if "tensorflow" in self.versions or "jax" not in self.versions:
            engine = f"TensorFlow {self.versions.get('tensorflow', '?')}"
        else:  # Keras on JAX, where there is no TensorFlow
            engine = f"JAX {self.versions['jax']}"
        parts = [
            f"dlcourse {self.versions.get('dlcourse', '?')}",
            engine,
            f"Keras {self.versions.get('keras', '?')}",
            device,
            "not seeded" if self.seed is None else f"seed {self.seed}",
        ]
        if self.deterministic:
            parts.append("deterministic ops")
        if self.mixed_precision:
            parts.append("mixed precision")
        if self.in_colab:
            parts.append("Colab")
        return " | ".join(parts)

    def __str__(self) -> str:
        return self.describe()


def setup(
    seed: int | None = 0,
    *,
    device: Literal["auto", "cpu", "gpu", "tpu"] = "auto",
    deterministic: bool = False,
    mixed_precision: bool = False,
    requires_tensorflow: bool = False,
    verbose: bool = True,
) -> Environment:
    """Prepare TensorFlow for a lesson and say what was chosen.

    Call it once, first, in every notebook. It can be called again (for example to
    re-seed); the device is only configured the first time TensorFlow allows it.

    Args:
        seed: seeds Python's ``random``, NumPy and TensorFlow through
            ``keras.utils.set_random_seed``; ``None`` leaves them unseeded.
        device: "auto" picks TPU, then GPU, then CPU; "cpu" hides every GPU so the
            lesson runs as it would on a laptop; "gpu"/"tpu" ask for one and say plainly
            (in ``notes``) when it is not there and the CPU is used instead.
        deterministic: turn on TensorFlow's op determinism (same results on every run,
            slower on a GPU; some ops then raise instead of running non-deterministically).
        mixed_precision: use the "mixed_float16" Keras policy, but only on a GPU whose
            compute capability is 7.0 or more (tensor cores); elsewhere it stays off
            and a note says why.
        requires_tensorflow: the lesson teaches TensorFlow itself (its tensors,
            ``GradientTape``): without TensorFlow, raise at once with what to do, even
            where Keras could run on JAX.
        verbose: print the one-line summary (``describe()``) and any notes.

    Returns:
        The ``Environment`` that was set up. Where TensorFlow is missing but Keras and
        JAX are there (Colab's TPU runtime), Keras is put on the JAX backend, the TPU or
        GPU that JAX sees is used, and a note says what works there.

    Raises:
        ValueError: for a ``device`` or ``seed`` it does not know.
        ImportError: when neither TensorFlow nor Keras with JAX is installed (or
            TensorFlow is, and ``requires_tensorflow``), with what to do.
    """
    if device not in ("auto", "cpu", "gpu", "tpu"):
        raise ValueError(f"device must be 'auto', 'cpu', 'gpu' or 'tpu', not {device!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise ValueError(f"seed must be a non-negative int or None, not {seed!r}")

    quiet_logs()
    # The pass line of test cells (dlcourse.checks): once per IPython shell, none outside.
    from dlcourse import checks

    checks.register_hooks()
    if importlib.util.find_spec("tensorflow") is None:
        if not _keras_on_jax_possible():
            raise ImportError(_TF_INSTALL_HINT)
        if requires_tensorflow:
            raise ImportError(_TF_LESSON_HINT)
        return _setup_jax(seed, device, mixed_precision, deterministic, verbose)

    notes: list[str] = []
    # TensorFlow's native code (CUDA probing, "Unable to register ... factory") writes to
    # the process's stderr, which Jupyter and Colab show: hidden while it starts.
    with _native_stderr_hidden():
        tf, keras = _import_tensorflow()
        kind, devices, strategy = _pick_device(tf, device, notes)

    mixed = False
    if mixed_precision:
        mixed = _enable_mixed_precision(tf, keras, kind, notes)
    elif keras.mixed_precision.global_policy().name != "float32":
        # A second setup() call without mixed precision undoes an earlier one.
        keras.mixed_precision.set_global_policy("float32")

    if seed is not None:
        keras.utils.set_random_seed(seed)
    global _determinism_on
    if deterministic:
        tf.config.experimental.enable_op_determinism()
        _determinism_on = True
    elif _determinism_on:
        notes.append("op determinism stays on from an earlier setup() until the kernel restarts")

    versions = {"tensorflow": tf.__version__, "keras": keras.__version__}
    return _announce(
        Environment(kind, devices, strategy, seed, _determinism_on, mixed), versions, notes, verbose
    )


def quiet_logs() -> None:
    """Keep TensorFlow's and absl's log lines out of notebook outputs.

    The environment variables only work before TensorFlow is imported; when it already
    is, its Python loggers are turned down instead. Existing settings are kept, so a
    user who wants the logs can set ``TF_CPP_MIN_LOG_LEVEL=0`` first.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)
    # Keras warns once per layer about the old `input_shape=` style; lessons use Input().
    warnings.filterwarnings("ignore", message=r".*Do not pass an `input_shape`.*")


def in_colab() -> bool:
    """True when running in Google Colab (its module is loaded or its variable is set)."""
    return "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ


def colab_install_line(repository: str, ref: str = "main") -> str:
    """The notebook line that installs dlcourse in Colab from the course repository.

    Args:
        repository: the repository's https URL, e.g. "https://github.com/org/course".
        ref: a branch, tag or commit.

    Example:
        >>> colab_install_line("https://github.com/org/course", "v1")
        '%pip install --quiet "dlcourse @ git+https://github.com/org/course@v1#subdirectory=lib"'
    """
    repository = repository.strip().removesuffix("/").removesuffix(".git")
    if not repository.startswith("https://"):
        raise ValueError(f"repository must be an https URL, not {repository!r}")
    if not ref or any(c.isspace() for c in ref):
        raise ValueError(f"ref must be a branch, tag or commit without spaces, not {ref!r}")
    return COLAB_INSTALL_TEMPLATE.format(repository=repository, ref=ref)


def _import_tensorflow() -> tuple[Any, Any]:
    if importlib.util.find_spec("tensorflow") is None:
        raise ImportError(_TF_INSTALL_HINT)
    import keras
    import tensorflow as tf

    tf.get_logger().setLevel(logging.ERROR)
    return tf, keras


@contextlib.contextmanager
def _native_stderr_hidden() -> Iterator[None]:
    """Point file descriptor 2 at /dev/null for the block, and back (even on an error).

    TensorFlow's C++ start-up lines (cuInit, "Unable to register cuDNN factory", ...) are
    written there, below Python, where ``TF_CPP_MIN_LOG_LEVEL`` does not reach them all;
    Jupyter and Colab copy that descriptor into the cell's output. Python's own
    ``sys.stderr`` in a notebook is not descriptor 2, so warnings and errors still show.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no descriptor 2 to hide
        yield
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 2)
        finally:
            os.close(devnull)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _keras_on_jax_possible() -> bool:
    """Keras 3 and JAX are installed (Colab's TPU runtime, which has no TensorFlow)."""
    return all(importlib.util.find_spec(name) is not None for name in ("keras", "jax"))


def _setup_jax(
    seed: int | None, device: str, mixed_precision: bool, deterministic: bool, verbose: bool
) -> Environment:
    """``setup()`` without TensorFlow: Keras on the JAX backend, on the device JAX has."""

    os.environ.setdefault("KERAS_BACKEND", "jax")
    notes: list[str] = []
    import jax
    import keras

    if keras.backend.backend() != "jax":
        notes.append(
            f"Keras was already imported with the {keras.backend.backend()!r} backend; "
            "restart the kernel and run this cell first to use JAX"
        )
    platform = jax.default_backend()  # "tpu", "gpu" or "cpu"
    kind: DeviceKind = {"tpu": "TPU", "gpu": "GPU"}.get(platform, "CPU")
    devices = [str(d) for d in jax.devices()]
    if device == "cpu" and kind != "CPU":
        notes.append("device='cpu' asked for, but JAX has already chosen its devices")
    elif device in ("gpu", "tpu") and kind != device.upper():
        notes.append(f"no {device.upper()} found; JAX runs on the {kind}")
    mixed = False
    if mixed_precision and kind == "TPU":
        keras.mixed_precision.set_global_policy("mixed_bfloat16")
        mixed = True
    elif mixed_precision:
        notes.append("mixed precision asked for; on JAX the course turns it on for TPUs only")
    if deterministic:
        notes.append("deterministic ops are TensorFlow's switch; JAX on CPU and TPU is already")
    if seed is not None:
        keras.utils.set_random_seed(seed)
    notes.append(
        "no TensorFlow here: Keras runs on JAX. Lessons 01-03 teach TensorFlow itself: "
        "open them on a CPU or GPU runtime"
    )
    versions = {"jax": jax.__version__, "keras": keras.__version__}
    return _announce(Environment(kind, devices, None, seed, False, mixed), versions, notes, verbose)


def _announce(
    env: Environment, versions: dict[str, str], notes: list[str], verbose: bool
) -> Environment:
    """``env`` completed (where it runs, the versions, the notes) and, when ``verbose``,
    printed in one line and a line per note."""
    from dlcourse import __version__

    env.in_colab, env.cpu_count = in_colab(), _cpu_count()
    env.versions, env.notes = {"dlcourse": __version__, **versions}, notes
    if verbose:
        print(env.describe())
        for note in notes:
            print(f"note: {note}")
    return env


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no sched_getaffinity
        return os.cpu_count() or 1


def _pick_device(tf: Any, wanted: str, notes: list[str]) -> tuple[DeviceKind, list[str], Any]:
    """Choose the device; returns (kind, device names, strategy)."""
    if wanted in ("auto", "tpu"):
        found = _connect_tpu(tf, notes)
        if found is not None:
            return found
        if wanted == "tpu" and not any(n.startswith("TPU") for n in notes):
            notes.append("no TPU found; using the GPU or CPU instead")

    gpus = tf.config.list_physical_devices("GPU")
    if wanted == "cpu" and gpus:
        _try_config(lambda: tf.config.set_visible_devices([], "GPU"), notes, "hiding the GPU")
        gpus = tf.config.get_visible_devices("GPU")
    if wanted != "cpu" and gpus:
        for gpu in gpus:
            if tf.config.experimental.get_memory_growth(gpu):
                continue  # set by an earlier setup() call
            # Without memory growth TensorFlow takes all GPU memory at start-up, which
            # breaks a second notebook (or the grader) on the same card.
            _try_config(
                lambda gpu=gpu: tf.config.experimental.set_memory_growth(gpu, True),
                notes,
                "turning on GPU memory growth",
            )
        if len(gpus) > 1:
            strategy = tf.distribute.MirroredStrategy()
        else:
            strategy = tf.distribute.get_strategy()
        return "GPU", [g.name for g in gpus], strategy

    if wanted == "gpu":
        notes.append("no GPU found; using the CPU (in Colab: Runtime > Change runtime type > GPU)")
    cpus = tf.config.list_physical_devices("CPU")
    return "CPU", [c.name for c in cpus], tf.distribute.get_strategy()


def _connect_tpu(tf: Any, notes: list[str]) -> tuple[DeviceKind, list[str], Any] | None:
    """Use a TPU when a TPU runtime is present and TensorFlow can reach it."""
    if not any(name in os.environ for name in _TPU_HINTS) and not os.path.exists("/dev/accel0"):
        return None
    error: Exception | None = None
    # Colab's TPU VMs need tpu="local"; older TPU nodes find theirs without an argument.
    for arguments in ({"tpu": "local"}, {}):
        try:
            resolver = tf.distribute.cluster_resolver.TPUClusterResolver(**arguments)
            tf.config.experimental_connect_to_cluster(resolver)
            tf.tpu.experimental.initialize_tpu_system(resolver)
            strategy = tf.distribute.TPUStrategy(resolver)
            tpus = [d.name for d in tf.config.list_logical_devices("TPU")]
            break
        except Exception as exc:  # any failure to reach the TPU: try the next way, or fall back
            error = exc
    else:
        assert error is not None
        message = str(error).splitlines()[0][:120] if str(error) else "-"
        notes.append(
            "TPU runtime found, but this TensorFlow cannot use it "
            f"({type(error).__name__}: {message}); falling back to GPU/CPU. TensorFlow on "
            "Colab's TPU runtime has been unreliable since 2025: a GPU runtime is the "
            "reliable choice."
        )
        return None
    return "TPU", tpus, strategy


def _enable_mixed_precision(tf: Any, keras: Any, kind: str, notes: list[str]) -> bool:
    if kind == "TPU":
        keras.mixed_precision.set_global_policy("mixed_bfloat16")
        return True
    if kind != "GPU":
        notes.append("mixed precision asked for, but it only pays off on a GPU; left off")
        return False
    for gpu in tf.config.list_physical_devices("GPU"):
        details = tf.config.experimental.get_device_details(gpu)
        capability = details.get("compute_capability") or (0, 0)
        if tuple(capability) < _MIXED_PRECISION_MIN_CAPABILITY:
            notes.append(
                f"mixed precision left off: {details.get('device_name', gpu.name)} has compute "
                f"capability {capability[0]}.{capability[1]}, below 7.0 (no tensor cores)"
            )
            return False
    keras.mixed_precision.set_global_policy("mixed_float16")
    return True


def _try_config(action: Callable[[], object], notes: list[str], what: str) -> None:
    """Device settings can only change before TensorFlow initialises the devices."""
    try:
        action()
    except RuntimeError:
        notes.append(
            f"{what} skipped: TensorFlow had already started its devices "
            "(restart the kernel and run setup() first to apply it)"
        )
