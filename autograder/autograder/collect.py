"""Submissions from an LMS zip or a folder into nbgrader's submitted layout.

``collect(path, submitted_dir, lessons=...)`` reads either a zip exported by an LMS or a
folder laid out as ``<student>/<lesson>.ipynb`` and writes, for each (student, lesson)::

    <submitted_dir>/<student>/<lesson>/<lesson>.ipynb
    <submitted_dir>/<student>/<lesson>/timestamp.txt     # "YYYY-MM-DD HH:MM:SS.ffffff UTC"

The input is treated as hostile. Every problem becomes one human-readable line in
``CollectReport.problems`` and the batch goes on; the only fatal case is a PATH that does
not exist (``FileNotFoundError``). Names found in the input are never used as paths: the
destination is built from a validated student id and a lesson id taken from ``lessons``,
and is checked to resolve inside ``submitted_dir`` before anything is written.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import stat
import struct
import sys
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

import nbformat
from tqdm import tqdm
from traitlets.log import get_logger

from autograder.config import STUDENT_ID

__all__ = [
    "DEFAULT_PATTERNS",
    "MAX_CELLS",
    "MAX_CELL_BYTES",
    "Collected",
    "CollectReport",
    "collect",
]

DEFAULT_PATTERNS: tuple[str, ...] = (
    # Canvas "download submissions": <name>_[late_]<user id>_<submission id>_<file name>, flat,
    # optionally inside one folder; the LMS may add "-1" or " (1)" to a re-uploaded file.
    # First, because it is the most specific: a wrapped Canvas zip ("subs/x_1_2_01_a.ipynb")
    # would otherwise read as student "subs".
    r"(?i)(?:[^/]+/)?(?P<student>[a-z0-9]+)_(?:late_)?\d+_\d+_"
    r"(?P<lesson>\d\d_[a-z0-9_]+?)(?:-\d+|\s\(\d+\))?\.ipynb",
    # Folder layout: <student>/<lesson>.ipynb
    r"(?i)(?P<student>[^/]+)/(?P<lesson>[^/]+)\.ipynb",
    # The same inside one top folder (zips often wrap everything in one folder).
    r"(?i)(?:[^/]+/)?(?P<student>[^/]+)/(?P<lesson>[^/]+)\.ipynb",
)
"""Regexes tried in order with ``re.fullmatch`` against each file's path relative to the
input root ("/" separators); the first match wins. Each must have the named groups
``student`` and ``lesson``. All are case-insensitive (``(?i)``): student ids are lowered
and lessons matched without regard to case afterwards anyway."""

# Lesson ids come from the course configuration; they must at least be a safe folder name.
_SAFE_LESSON_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# Copy suffixes that LMSs and browsers add: "01_tensors-1", "01_tensors (1)".
_COPY_SUFFIX = re.compile(r"(?:-\d+|\s*\(\d+\))+$")
_DRIVE = re.compile(r"[A-Za-z]:")
_IGNORED_FOLDERS = frozenset({"__macosx", ".ipynb_checkpoints"})
_TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"  # nbgrader's default timestamp_format
# Caps on a notebook's shape, checked before anything is written for it: every later step
# (nbformat's validation, nbgrader, the integrity scan, the formgrader's page) costs time
# and memory per cell, and a 49 MB notebook of 300k markdown cells grew the trusted grading
# worker to ~2 GB for 180 s. Generous for real work: the course's largest lesson (source/,
# measured) has 84 cells and its biggest cell is 4.5 kB of JSON, so 5,000 cells is 60 times
# the longest notebook a student can hand in with every scratch cell they add; 2 MB a cell
# (source, outputs and attachments together, as JSON) holds 400 times that biggest cell or
# a few large figures in one output, which the grader clears before running it anyway.
MAX_CELLS = 5_000
MAX_CELL_BYTES = 2 * 1024 * 1024

_CHUNK = 1 << 20
_EXAMPLES = 5  # non-notebook names shown in the "ignored" line
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class Collected:
    """One submission written to the workspace."""

    student: str
    lesson: str
    path: Path
    """Where the notebook was written: ``<submitted_dir>/<student>/<lesson>/<lesson>.ipynb``."""
    timestamp: datetime
    """Submission time, aware, UTC (the zip member's date or the file's mtime)."""
    valid_notebook: bool
    """False when the file is not a readable notebook; it is still written so that grading
    records a 0 with the reason."""


@dataclass
class CollectReport:
    """What ``collect`` wrote, and every problem it met, one line each."""

    collected: list[Collected] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line, e.g. ``"collected 14 submissions from 5 students; 3 problems"``."""
        students = len({c.student for c in self.collected})
        return (
            f"collected {_plural(len(self.collected), 'submission')} from "
            f"{_plural(students, 'student')}; {_plural(len(self.problems), 'problem')}"
        )


def collect(
    path: Path,
    submitted_dir: Path,
    *,
    lessons: Sequence[str],
    students: Sequence[str] | None = None,
    patterns: Sequence[str] = DEFAULT_PATTERNS,
    max_notebook_mb: float = 50.0,
    progress: bool = False,
) -> CollectReport:
    """Collect the submissions in ``path`` (an LMS zip or a folder) into ``submitted_dir``.

    Args:
        path: a zip file, or a folder laid out as ``<student>/<lesson>.ipynb``.
        submitted_dir: nbgrader's submitted folder; created when missing.
        lessons: the course's lesson ids. A file's lesson matches one without regard to case,
            also with an LMS copy suffix (``-1``, `` (1)``); anything else is misnamed.
        students: the roster; when given, files of other students are skipped and reported.
        patterns: regexes with named groups ``student`` and ``lesson``, tried in order with
            ``re.fullmatch`` on each file's path relative to ``path``.
        max_notebook_mb: a file larger than this (uncompressed, as actually read) is skipped.
            So is a notebook of more than MAX_CELLS cells or with a cell over MAX_CELL_BYTES.
        progress: show a tqdm bar on stderr over the candidate notebooks.

    Returns:
        The report: what was written, and one line per problem. Two files for the same
        (student, lesson) keep the newest (tie: the later name); the other is reported.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: bad arguments (a lesson id that is not a safe folder name, a pattern
            without the named groups, a non-positive size limit).
    """
    path = Path(path)
    submitted_dir = Path(submitted_dir)
    if not path.exists():
        raise FileNotFoundError(f"nothing to collect: {str(path)!r} does not exist")
    if not max_notebook_mb > 0:
        raise ValueError(f"max_notebook_mb must be positive, not {max_notebook_mb!r}")
    rules = _Rules(
        patterns=_compile_patterns(patterns),
        lessons=_lesson_map(lessons),
        roster=None if students is None else {s.strip().lower() for s in students},
    )
    limit = int(min(max_notebook_mb * 1024 * 1024, sys.maxsize - 1))  # inf: no limit
    report = CollectReport()
    with contextlib.ExitStack() as stack:
        if path.is_dir():
            entries = _folder_entries(path, report.problems)
        elif not path.is_file():  # a FIFO or a device: ZipFile would block or worse
            report.problems.append(
                f"unreadable archive {path.name!r}: not a regular file; nothing collected"
            )
            return report
        else:
            try:
                archive = stack.enter_context(zipfile.ZipFile(path))
                entries = _zip_entries(archive, path)
            except Exception as error:  # BadZipFile, OSError, and whatever a broken file raises
                report.problems.append(
                    f"unreadable archive {path.name!r}: {_reason(error)}; nothing collected"
                )
                return report
        candidates = _select(entries, rules, report.problems)
        groups: dict[tuple[str, str], list[_Candidate]] = {}
        for candidate in candidates:
            groups.setdefault((candidate.student, candidate.lesson), []).append(candidate)
        submitted_dir.mkdir(parents=True, exist_ok=True)
        bar = tqdm(
            total=len(candidates),
            desc="collect",
            unit="file",
            file=sys.stderr,
            disable=not progress,
        )
        with bar, _quiet_nbformat():
            for (student, lesson), group in sorted(groups.items()):
                collected = _collect_one(
                    student, lesson, group, submitted_dir, limit, max_notebook_mb, report
                )
                if collected is not None:
                    report.collected.append(collected)
                bar.update(len(group))
    return report


# -- what the input holds ------------------------------------------------------------------


@dataclass
class _Entry:
    """One thing found in the input: a zip member or a folder entry."""

    name: str  # relative to the input root, as found
    kind: str  # "file", "dir", "symlink" or "other"
    timestamp: datetime
    open: Callable[[], IO[bytes]]
    order: int
    bad_date: bool = False  # the zip's date is not a date: timestamp is the archive's


@dataclass
class _Candidate:
    """A notebook that names a known student and lesson."""

    name: str  # normalised relative path, shown in problems
    student: str
    lesson: str
    timestamp: datetime
    open: Callable[[], IO[bytes]]
    order: int

    def key(self) -> tuple[datetime, str, int]:
        return (self.timestamp, self.name, self.order)


@dataclass
class _Rules:
    patterns: list[re.Pattern[str]]
    lessons: dict[str, str]  # lower case -> the course's id
    roster: set[str] | None


def _zip_entries(archive: zipfile.ZipFile, path: Path) -> list[_Entry]:
    archive_date = _mtime(os.stat(path))
    entries = []
    for order, info in enumerate(archive.infolist()):
        if info.is_dir():
            kind = "dir"
        elif stat.S_ISLNK(info.external_attr >> 16):
            kind = "symlink"
        else:
            kind = "file"
        timestamp = _zip_timestamp(info)
        entries.append(
            _Entry(
                name=info.filename,
                kind=kind,
                timestamp=archive_date if timestamp is None else timestamp,
                open=lambda info=info: archive.open(info),
                order=order,
                bad_date=timestamp is None,
            )
        )
    return entries


def _folder_entries(root: Path, problems: list[str]) -> list[_Entry]:
    """Every entry under ``root``, sorted, without following any symlink."""
    entries: list[_Entry] = []
    pending = [("", root)]
    while pending:
        prefix, folder = pending.pop()
        try:
            with os.scandir(folder) as scan:
                found = sorted(scan, key=lambda e: e.name)
        except OSError as error:
            problems.append(f"cannot read folder {prefix or '.'!r}: {_reason(error)}")
            continue
        subfolders = []
        for item in found:
            name = prefix + item.name
            try:
                timestamp = _mtime(item.stat(follow_symlinks=False))
                if item.is_symlink():
                    kind = "symlink"
                elif item.is_dir(follow_symlinks=False):
                    if not _ignored(item.name):
                        subfolders.append((name + "/", Path(item.path)))
                    kind = "dir"
                elif item.is_file(follow_symlinks=False):
                    kind = "file"
                else:
                    kind = "other"
            except OSError as error:
                problems.append(f"cannot read {name!r}: {_reason(error)}: skipped")
                continue
            entries.append(
                _Entry(
                    name=name,
                    kind=kind,
                    timestamp=timestamp,
                    open=lambda p=item.path: _open_regular(p),
                    order=0,  # set below, once sorted
                )
            )
        pending.extend(reversed(subfolders))
    entries.sort(key=lambda entry: entry.name.split("/"))
    for order, entry in enumerate(entries):
        entry.order = order
    return entries


def _select(entries: list[_Entry], rules: _Rules, problems: list[str]) -> list[_Candidate]:
    """The entries that are notebooks of a known student and lesson; the rest reported."""
    candidates = []
    unknown: dict[str, int] = {}
    non_notebooks: list[str] = []
    expected = ", ".join(sorted(rules.lessons.values()))
    for entry in entries:
        name = entry.name.replace("\\", "/")
        parts = [p for p in name.split("/") if p not in ("", ".")]
        if name.startswith("/") or (parts and _DRIVE.match(parts[0])) or ".." in parts:
            problems.append(f"unsafe path {entry.name!r} (absolute or with '..'): skipped")
            continue
        if entry.kind == "dir" or not parts or any(_ignored(p) for p in parts):
            continue
        relative = "/".join(parts)
        if entry.kind == "symlink":
            problems.append(f"symbolic link {relative!r}: skipped (links are never followed)")
            continue
        if entry.kind == "other":
            problems.append(f"not a regular file {relative!r}: skipped")
            continue
        if not parts[-1].lower().endswith(".ipynb"):
            non_notebooks.append(relative)
            continue
        match = next((m for p in rules.patterns if (m := p.fullmatch(relative))), None)
        if match is None:
            problems.append(
                f"misnamed file {relative!r}: expected <student>/<lesson>.ipynb or an LMS "
                f"export name, with <lesson> one of {expected}"
            )
            continue
        student = match["student"].lower()
        if not STUDENT_ID.fullmatch(student):
            problems.append(
                f"invalid student id {student!r} from {relative!r}: "
                f"must match {STUDENT_ID.pattern}: skipped"
            )
            continue
        if student in rules.lessons:
            problems.append(
                f"invalid student id {student!r} from {relative!r}: it is a lesson id "
                "(a folder level too deep?): skipped"
            )
            continue
        if rules.roster is not None and student not in rules.roster:
            unknown[student] = unknown.get(student, 0) + 1
            continue
        lesson = _match_lesson(match["lesson"], rules.lessons)
        if lesson is None:
            problems.append(f"misnamed file {relative!r}: expected one of {expected}")
            continue
        if entry.bad_date:
            problems.append(
                f"no valid date on {relative!r} in the archive: used the zip file's date"
            )
        candidates.append(
            _Candidate(relative, student, lesson, entry.timestamp, entry.open, entry.order)
        )
    for student, count in unknown.items():
        files = "" if count == 1 else f" {count} files"
        problems.append(f"unknown student {student!r} (not in the roster): skipped{files}")
    if non_notebooks:
        examples = ", ".join(_printable(name) for name in non_notebooks[:_EXAMPLES]) + (
            ", ..." if len(non_notebooks) > _EXAMPLES else ""
        )
        problems.append(
            f"ignored {_plural(len(non_notebooks), 'non-notebook file')} (e.g. {examples})"
        )
    return candidates


# -- one (student, lesson) -----------------------------------------------------------------


def _collect_one(
    student: str,
    lesson: str,
    group: list[_Candidate],
    submitted_dir: Path,
    limit: int,
    max_notebook_mb: float,
    report: CollectReport,
) -> Collected | None:
    """Write the newest readable file of ``group``; report the others."""
    problems = report.problems
    ordered = sorted(group, key=_Candidate.key, reverse=True)
    kept: _Candidate | None = None
    data = b""
    for candidate in ordered:
        if kept is not None:
            why = "newer" if kept.timestamp > candidate.timestamp else "same time, later name"
            problems.append(
                f"duplicate submission for {student}/{lesson}: kept {kept.name!r} "
                f"({_format(kept.timestamp)}, {why}), ignored {candidate.name!r} "
                f"({_format(candidate.timestamp)})"
            )
            continue
        try:
            read = _read_capped(candidate.open, limit)
        except Exception as error:  # BadZipFile (CRC), zlib.error, EOFError, RuntimeError...
            problems.append(f"cannot read {candidate.name!r} ({_reason(error)}): skipped")
            continue
        if read is None:
            problems.append(
                f"too big: {candidate.name!r} is over {max_notebook_mb:g} MB uncompressed: skipped"
            )
            continue
        oversized = _oversized(read)
        if oversized is not None:
            problems.append(f"too big: {candidate.name!r} {oversized}: skipped")
            continue
        kept, data = candidate, read
    if kept is None:
        return None

    folder = submitted_dir / student / lesson
    root = submitted_dir.resolve()
    unsafe = f"unsafe destination for {student}/{lesson}: it leaves the workspace"
    try:
        # Checked before and after mkdir: a link already in the workspace must not lead out.
        if not folder.resolve().is_relative_to(root):
            problems.append(unsafe)
            return None
        folder.mkdir(parents=True, exist_ok=True)
        if not folder.resolve().is_relative_to(root):
            problems.append(unsafe)
            return None
        stamp = folder / "timestamp.txt"
        previous = _read_timestamp(stamp)
        if previous is not None and previous > kept.timestamp:
            problems.append(
                f"{student}/{lesson}: replaced a newer collected submission "
                f"({_format(previous)}) with {kept.name!r} ({_format(kept.timestamp)})"
            )
        notebook = folder / f"{lesson}.ipynb"
        _write(notebook, data, kept.timestamp)
        _write(stamp, _format(kept.timestamp).encode("ascii"), kept.timestamp)
    except OSError as error:
        problems.append(f"cannot write {student}/{lesson}: {_reason(error)}")
        return None
    invalid = _notebook_problem(data)
    if invalid is not None:
        problems.append(f"not a readable notebook: {student}/{lesson} ({invalid})")
    return Collected(student, lesson, notebook, kept.timestamp, invalid is None)


def _read_capped(opener: Callable[[], IO[bytes]], limit: int) -> bytes | None:
    """The whole file, or None when it is longer than ``limit`` bytes (read in chunks:
    sizes declared in a zip are not trusted)."""
    chunks = []
    total = 0
    with opener() as stream:
        while True:
            chunk = stream.read(min(_CHUNK, limit + 1 - total))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                return None


def _oversized(data: bytes) -> str | None:
    """Why a notebook's shape is over MAX_CELLS or MAX_CELL_BYTES, or None. Plain JSON,
    no validation (that is what the caps protect); a file that is not a notebook's JSON is
    not this check's business (it is written and reported as unreadable)."""
    try:
        cells = json.loads(data).get("cells")
    except (ValueError, AttributeError):
        return None
    if not isinstance(cells, list):
        return None
    if len(cells) > MAX_CELLS:
        return f"has {len(cells):,} cells (at most {MAX_CELLS:,})"
    for number, cell in enumerate(cells, 1):
        size = len(json.dumps(cell, ensure_ascii=False).encode())
        if size > MAX_CELL_BYTES:
            return (
                f"has a cell of {size / 2**20:.1f} MB (cell {number}; "
                f"at most {MAX_CELL_BYTES / 2**20:g} MB a cell)"
            )
    return None


def _notebook_problem(data: bytes) -> str | None:
    """None for a notebook nbformat reads and validates, else a short reason."""
    try:
        captured: dict[str, Exception] = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nbformat.reads(data.decode("utf-8"), as_version=4, capture_validation_error=captured)
        if "ValidationError" in captured:
            raise captured["ValidationError"]
    except Exception as error:
        return _reason(error)
    return None


def _write(path: Path, data: bytes, timestamp: datetime) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and
    ``os.replace``, with the submission time as mtime; unchanged bytes are not rewritten."""
    ns = _ns(timestamp)
    if path.is_file() and not path.is_symlink():
        with contextlib.suppress(OSError):
            if path.read_bytes() == data:
                if path.stat().st_mtime_ns != ns:
                    os.utime(path, ns=(ns, ns))
                return
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.utime(temporary, ns=(ns, ns))
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


# -- helpers -------------------------------------------------------------------------------


def _compile_patterns(patterns: Sequence[str]) -> list[re.Pattern[str]]:
    if isinstance(patterns, str):
        raise ValueError("patterns must be a sequence of regexes, not one string")
    compiled = []
    for pattern in patterns:
        try:
            regex = re.compile(pattern)
        except re.error as error:
            raise ValueError(f"bad pattern {pattern!r}: {error}") from None
        if not {"student", "lesson"} <= regex.groupindex.keys():
            raise ValueError(f"pattern {pattern!r} needs the groups (?P<student>) and (?P<lesson>)")
        compiled.append(regex)
    return compiled


def _lesson_map(lessons: Sequence[str]) -> dict[str, str]:
    if isinstance(lessons, str):
        raise ValueError("lessons must be a sequence of lesson ids, not one string")
    mapping: dict[str, str] = {}
    for lesson in lessons:
        if not _SAFE_LESSON_ID.fullmatch(lesson):
            raise ValueError(f"lesson id {lesson!r} is not a safe folder name")
        if mapping.get(lesson.lower(), lesson) != lesson:
            raise ValueError(
                f"lesson ids {mapping[lesson.lower()]!r} and {lesson!r} differ in case"
            )
        mapping[lesson.lower()] = lesson
    if not mapping:
        raise ValueError("no lessons to collect")
    return mapping


def _match_lesson(raw: str, lessons: dict[str, str]) -> str | None:
    key = raw.strip().lower()
    if key in lessons:
        return lessons[key]
    return lessons.get(_COPY_SUFFIX.sub("", key).strip())


def _ignored(part: str) -> bool:
    """Folders and files skipped without a word: macOS forks, checkpoints, dotfiles."""
    return part.startswith(".") or part.lower() in _IGNORED_FOLDERS


def _zip_timestamp(info: zipfile.ZipInfo) -> datetime | None:
    """The member's time: the Info-ZIP "UT" extra field (UTC) when there is one, else the
    DOS date, which has no time zone and is taken as UTC. None when it is not a date."""
    extra = info.extra
    at = 0
    while at + 4 <= len(extra):
        header, size = struct.unpack_from("<HH", extra, at)
        body = extra[at + 4 : at + 4 + size]
        if header == 0x5455 and len(body) >= 5 and body[0] & 1:
            (seconds,) = struct.unpack_from("<I", body, 1)
            return _EPOCH + timedelta(seconds=seconds)
        at += 4 + size
    try:
        return datetime(*info.date_time, tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _mtime(status: os.stat_result) -> datetime:
    return _EPOCH + timedelta(microseconds=status.st_mtime_ns // 1000)


def _ns(timestamp: datetime) -> int:
    delta = timestamp - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000


def _format(timestamp: datetime) -> str:
    return timestamp.astimezone(UTC).strftime(_TIMESTAMP_FORMAT)


def _read_timestamp(path: Path) -> datetime | None:
    try:
        text = path.read_text(encoding="ascii").strip()
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f UTC").replace(tzinfo=UTC)
    except (OSError, ValueError):
        return None


def _open_regular(path: str) -> IO[bytes]:
    """Open a regular file for reading, refusing a symlink or anything that is not a file
    (a FIFO would block) even if it was swapped in after the folder was listed."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path!r} is not a regular file")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _reason(error: BaseException) -> str:
    """``Type: first line of the message``, at most 160 characters."""
    lines = str(error).strip().splitlines()
    text = f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def _printable(name: str) -> str:
    """``name`` as it is, or quoted with escapes when it holds a newline or the like."""
    return name if name.isprintable() else repr(name)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


class _DropInvalidNotebookLog(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Notebook JSON is invalid")


@contextlib.contextmanager
def _quiet_nbformat() -> Iterator[None]:
    """nbformat.reads logs schema errors; collect reports them itself."""
    logger = get_logger()
    logger = getattr(logger, "logger", logger)  # a LoggerAdapter wraps the logger
    quiet = _DropInvalidNotebookLog()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)
