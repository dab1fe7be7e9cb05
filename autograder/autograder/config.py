"""The course definition, course/course.toml: the one place for lessons, points and limits.

Everything else reads it: the ``course`` command, ``course/nbgrader_config.py`` (through
``nbgrader_config``) and the tests. Unknown keys and bad values raise
``CourseConfigError`` naming the file, the key and what was expected, so a typo never
silently falls back to a default.

Example file::

    [course]
    id = "dl101"
    title = "Deep learning with TensorFlow and Keras"
    repository = "https://github.com/org/dl-course"   # for the Colab badge and install line

    [limits]                 # every lesson's defaults; a lesson may override each one
    cell_timeout = 120       # seconds for one cell
    notebook_timeout = 600   # seconds for the whole notebook
    memory_mb = 4096         # the kernel is stopped above this
    output_mb = 5            # outputs kept per notebook
    cell_output_mb = 1       # outputs kept per cell; past it the cell fails, the rest runs
    max_restarts = 3         # fresh kernels after crashes (memory, a dead kernel); 0: none

    [[lessons]]
    id = "01_tensors"
    title = "Tensors"
    points = 25
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.limits import Limits
from autograder.workspace import Layout, shown_url, sqlite_file

#: The folder that holds course.toml when no other is given: <repository>/course.
DEFAULT_COURSE_FILE = Path(__file__).resolve().parents[2] / "course" / "course.toml"

#: Two digits, an optional letter for a lesson's second part (05b), then lower-case words.
LESSON_ID = re.compile(r"\d\d[a-z]?_[a-z][a-z0-9_]*")
STUDENT_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")

_COURSE_KEYS = {
    "id": str,
    "title": str,
    "repository": str,
    "ref": str,
    "source": str,
    "release": str,
    "workspace": str,
    "gradebook": str,
    "roster": str,
}
_LIMIT_KEYS = {
    "cell_timeout": float,
    "notebook_timeout": float,
    "memory_mb": int,
    "output_mb": float,
    "cell_output_mb": float,
    "disk_mb": int,
    "processes": int,
    "cpus": float,
    "max_restarts": int,
}
# Limits that may be 0 (every other one must be positive).
_MAY_BE_ZERO = {"max_restarts"}
_LESSON_KEYS = {"id": str, "title": str, "points": float, **_LIMIT_KEYS}


class CourseConfigError(ValueError):
    """course.toml is missing, unreadable, or has an unknown key or a bad value."""


@dataclass(frozen=True)
class Lesson:
    """One lesson: an nbgrader assignment with its notebook ``source/<id>/<id>.ipynb``."""

    id: str
    title: str
    points: float
    limits: Limits

    def notebook(self, folder: Path) -> Path:
        """The lesson's notebook inside ``folder`` (source/ or release/)."""
        return folder / self.id / f"{self.id}.ipynb"


@dataclass(frozen=True)
class Course:
    """The whole course definition, with every path absolute."""

    id: str
    title: str
    repository: str
    ref: str
    root: Path
    source: Path
    release: Path
    workspace: Path
    gradebook_url: str
    roster: Path | None
    defaults: Limits
    lessons: tuple[Lesson, ...] = field(default_factory=tuple)
    file: Path | None = None
    scheduler: str = ""  # [grading] scheduler: a Dask scheduler's address ("" = local)

    @property
    def layout(self) -> Layout:
        """Where each thing lives in the workspace (autograder.workspace)."""
        return Layout(self.workspace)

    def lesson(self, lesson_id: str) -> Lesson:
        """The lesson with this id; a clear error that lists the known ones otherwise."""
        for lesson in self.lessons:
            if lesson.id == lesson_id:
                return lesson
        known = ", ".join(lesson.id for lesson in self.lessons) or "none yet"
        raise CourseConfigError(f"unknown lesson {lesson_id!r}; course.toml lists: {known}")

    def select(self, lesson_ids: list[str] | tuple[str, ...] | None) -> list[Lesson]:
        """The lessons named (in the course's order), or all of them when none are named."""
        if not lesson_ids:
            return list(self.lessons)
        wanted = {self.lesson(lesson_id).id for lesson_id in lesson_ids}
        return [lesson for lesson in self.lessons if lesson.id in wanted]

    def students(self) -> list[str] | None:
        """Student ids from the roster file (one per line, or the first CSV column)."""
        if self.roster is None:
            return None
        if not self.roster.is_file():
            raise CourseConfigError(f"{self.file}: roster file {self.roster} does not exist")
        ids = []
        for number, line in enumerate(self.roster.read_text().splitlines(), 1):
            value = line.split(",", 1)[0].strip().lower()
            if not value or value.startswith("#") or (number == 1 and value in ("id", "student")):
                continue
            if not STUDENT_ID.fullmatch(value):
                raise CourseConfigError(f"{self.roster}:{number}: bad student id {value!r}")
            ids.append(value)
        return ids


def load_course(path: Path | str = DEFAULT_COURSE_FILE) -> Course:
    """Read and check course.toml; relative paths in it are relative to its parent's parent.

    (The file lives in ``<repository>/course/``; ``source = "source"`` means
    ``<repository>/source``.)
    """
    path = Path(path).resolve()
    try:
        raw = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise CourseConfigError(f"{path} does not exist") from None
    except tomllib.TOMLDecodeError as error:
        raise CourseConfigError(f"{path} is not valid TOML: {error}") from None
    return parse_course(raw, root=path.parent.parent, file=path)


def parse_course(raw: dict[str, Any], *, root: Path, file: Path | None = None) -> Course:
    """Build a Course from the parsed TOML; see ``load_course``."""
    where = str(file or "course.toml")
    _only_keys(raw, {"course", "limits", "lessons", "grading"}, where, "the top level")
    course = raw.get("course")
    if not isinstance(course, dict):
        raise CourseConfigError(f"{where}: a [course] table is required")
    _only_keys(course, set(_COURSE_KEYS), where, "[course]")
    settings = {key: _typed(course, key, kind, where, "[course]") for key, kind in
                _COURSE_KEYS.items() if key in course}  # fmt: skip
    for required in ("id", "title", "repository"):
        if required not in settings:
            raise CourseConfigError(f"{where}: [course] needs {required!r}")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", settings["id"]):
        raise CourseConfigError(
            f"{where}: [course] id {settings['id']!r} must be letters, digits, '-' or '_'"
        )
    repository = settings["repository"].rstrip("/").removesuffix(".git")
    if not repository.startswith("https://"):
        raise CourseConfigError(f"{where}: [course] repository must be an https URL")

    limits_table = raw.get("limits", {})
    if not isinstance(limits_table, dict):
        raise CourseConfigError(f"{where}: [limits] must be a table")
    _only_keys(limits_table, set(_LIMIT_KEYS), where, "[limits]")
    defaults = _limits(Limits(), limits_table, where, "[limits]")

    lessons_raw = raw.get("lessons", [])
    if not isinstance(lessons_raw, list):
        raise CourseConfigError(f"{where}: lessons must be [[lessons]] tables")
    lessons = []
    for index, entry in enumerate(lessons_raw):
        label = f"lessons[{index}]"
        if not isinstance(entry, dict):
            raise CourseConfigError(f"{where}: {label} must be a table")
        _only_keys(entry, set(_LESSON_KEYS), where, label)
        for required in ("id", "title", "points"):
            if required not in entry:
                raise CourseConfigError(f"{where}: {label} needs {required!r}")
        lesson_id = _typed(entry, "id", str, where, label)
        if not LESSON_ID.fullmatch(lesson_id):
            raise CourseConfigError(
                f"{where}: {label}.id {lesson_id!r} must look like '01_tensors' "
                "(two digits, an optional letter, an underscore, lower-case words)"
            )
        points = _typed(entry, "points", float, where, label)
        if points <= 0:
            raise CourseConfigError(f"{where}: {label}.points must be positive, not {points:g}")
        lessons.append(
            Lesson(
                id=lesson_id,
                title=_typed(entry, "title", str, where, label),
                points=points,
                limits=_limits(defaults, entry, where, label),
            )
        )
    ids = [lesson.id for lesson in lessons]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise CourseConfigError(f"{where}: lesson ids listed twice: {', '.join(duplicated)}")

    workspace = root / settings.get("workspace", "workspace")
    gradebook = settings.get("gradebook", f"sqlite:///{workspace / 'gradebook.db'}")
    if "://" not in gradebook:
        raise CourseConfigError(
            f"{where}: [course] gradebook must be an SQLAlchemy URL such as "
            f"'sqlite:///workspace/gradebook.db' or 'postgresql+psycopg://host/db'"
        )
    if gradebook.split("://")[0] in ("postgresql", "postgres"):
        raise CourseConfigError(
            f"{where}: [course] gradebook {shown_url(gradebook)!r} names no driver: write "
            "'postgresql+psycopg://...' (psycopg 3 is the PostgreSQL driver installed)"
        )
    database = sqlite_file(gradebook)
    if database is not None and not database.is_absolute():
        gradebook = f"sqlite:///{root / database}"  # relative to the course's root
    roster = settings.get("roster")
    grading = raw.get("grading", {})
    if not isinstance(grading, dict):
        raise CourseConfigError(f"{where}: [grading] must be a table")
    _only_keys(grading, {"scheduler"}, where, "[grading]")
    scheduler = _typed(grading, "scheduler", str, where, "[grading]") if grading else ""
    if scheduler and "://" not in scheduler:
        raise CourseConfigError(
            f"{where}: [grading] scheduler must be a Dask scheduler's address such as "
            f"'tcp://scheduler.example.org:8786', not {scheduler!r}"
        )
    return Course(
        id=settings["id"],
        title=settings["title"],
        repository=repository,
        ref=settings.get("ref", "main"),
        root=root,
        source=root / settings.get("source", "source"),
        release=root / settings.get("release", "release"),
        workspace=workspace,
        gradebook_url=gradebook,
        roster=root / roster if roster else None,
        defaults=defaults,
        lessons=tuple(lessons),
        file=file,
        scheduler=scheduler,
    )


def nbgrader_config(course: Course) -> Any:
    """nbgrader's settings for this course, as a traitlets ``Config``.

    ``root`` is the workspace (submitted/, autograded/, feedback/ live there) while
    ``source`` and ``release`` are the repository's own folders: nbgrader joins its root
    with each folder name, and an absolute folder name wins.
    """
    from traitlets.config import Config

    c = Config()
    c.CourseDirectory.course_id = course.id
    c.CourseDirectory.root = str(course.workspace)
    c.CourseDirectory.source_directory = str(course.source)
    c.CourseDirectory.release_directory = str(course.release)
    c.CourseDirectory.db_url = course.gradebook_url
    # nbgrader's exchange (for JupyterHub hand-in) is not used; keep it in the workspace.
    c.Exchange.root = str(course.workspace / "exchange")
    c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*"]
    # One stub everywhere: a cell that runs and says what to do.
    c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
    c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
    c.Execute.timeout = int(course.defaults.cell_timeout)
    c.ExecutePreprocessor.timeout = int(course.defaults.cell_timeout)
    return c


def nbgrader_api(course: Course, config: Any = None) -> Any:
    """nbgrader's Python API for this course (with ``config`` in place of the course's
    own nbgrader settings when given), ready to use.

    nbgrader stamps the gradebook's schema by running the ``alembic`` command: see
    ``scripts_on_path``.
    """
    import os

    from nbgrader.apps import NbGraderAPI

    scripts_on_path(os.environ)
    course.workspace.mkdir(parents=True, exist_ok=True)
    return NbGraderAPI(config=config if config is not None else nbgrader_config(course))


def scripts_on_path(environ: Any) -> Any:
    """Put this Python's scripts folder first on ``environ``'s PATH (a dict, or
    ``os.environ``), unless it is there already; ``environ``.

    nbgrader creates a gradebook's tables (an SQLite file or an empty PostgreSQL database)
    in whatever process first opens it, and stamps the schema's version by running the
    ``alembic`` command, which is on PATH only when the virtual environment is activated.
    """
    import os
    import sys

    scripts = str(Path(sys.executable).parent)
    path = environ.get("PATH", "")
    if scripts not in path.split(os.pathsep):
        environ["PATH"] = scripts + os.pathsep + path if path else scripts
    return environ


def _only_keys(table: dict[str, Any], allowed: set[str], where: str, label: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise CourseConfigError(
            f"{where}: unknown key(s) in {label}: {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(allowed))}"
        )


def _typed(table: dict[str, Any], key: str, kind: type, where: str, label: str) -> Any:
    value = table[key]
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind is str and isinstance(value, str) and value.strip():
        return value.strip()
    expected = {str: "a non-empty string", float: "a number", int: "a whole number"}[kind]
    raise CourseConfigError(f"{where}: {label}.{key} must be {expected}, not {value!r}")


def _limits(base: Limits, table: dict[str, Any], where: str, label: str) -> Limits:
    """The limits ``table`` sets (``[limits]`` or a lesson's keys), the rest from ``base``.

    Keys are ``Limits``' fields: ``cell_timeout``, ``notebook_timeout`` (seconds),
    ``memory_mb``, ``output_mb`` (outputs kept per notebook), ``cell_output_mb`` (per
    cell), ``disk_mb`` (the working folder's tmpfs), ``processes`` (processes and threads
    at once), ``cpus`` (a CPU quota, 0.5 is half a CPU) and ``max_restarts`` (fresh kernels
    after crashes; 0: a crash stops the notebook); each must be positive (``max_restarts``
    may be 0), the whole-number ones whole.
    """
    values = {}
    for key, kind in _LIMIT_KEYS.items():
        if key in table:
            value = _typed(table, key, kind, where, label)
            if key in _MAY_BE_ZERO and value < 0:
                raise CourseConfigError(f"{where}: {label}.{key} must be 0 or more, not {value}")
            if key not in _MAY_BE_ZERO and value <= 0:
                raise CourseConfigError(f"{where}: {label}.{key} must be positive, not {value}")
            values[key] = value
        else:
            values[key] = getattr(base, key)
    return Limits(**values)
