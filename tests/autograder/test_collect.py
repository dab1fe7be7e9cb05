"""course collect: LMS zips and folders into nbgrader's submitted layout, hostile input reported,
never fatal, never written outside the workspace."""

from __future__ import annotations

import json
import os
import stat
import struct
import tempfile
import warnings
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.utils import parse_utc

from autograder.collect import (
    DEFAULT_PATTERNS,
    MAX_CELL_BYTES,
    MAX_CELLS,
    STUDENT_ID,
    Collected,
    CollectReport,
    collect,
)

LESSONS = ("01_tensors", "02_autograd")
EXPECTED = "expected one of 01_tensors, 02_autograd"
DATE = (2024, 3, 1, 12, 34, 56)


def notebook(code: str = "x = 1") -> bytes:
    cell = new_code_cell(code, id="cell-1")  # a fixed id: the same code gives the same bytes
    return nbformat.writes(new_notebook(cells=[cell])).encode()


def make_zip(path: Path, members, compression=zipfile.ZIP_DEFLATED) -> Path:
    """members: (name, data[, date_time]) tuples or (ZipInfo, data) pairs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are on purpose
        with zipfile.ZipFile(path, "w", compression) as archive:
            for member in members:
                if isinstance(member[0], zipfile.ZipInfo):
                    info, data = member
                else:
                    name, data, *date = member
                    info = zipfile.ZipInfo(name, date_time=date[0] if date else DATE)
                info.compress_type = compression
                archive.writestr(info, data)
    return path


def make_folder(root: Path, files: dict[str, bytes], mtime: float = 1_700_000_000.0) -> Path:
    for name, data in files.items():
        file = root / name
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(data)
        os.utime(file, (mtime, mtime))
    return root


def files_under(root: Path) -> set[str]:
    found = set()
    for folder, dirs, files in os.walk(root):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            found.add(Path(folder, name).relative_to(root).as_posix())
    return found


def written(submitted: Path) -> set[str]:
    return {name for name in files_under(submitted) if not name.endswith("/timestamp.txt")}


def run(source: Path, tmp_path: Path, **options) -> tuple[CollectReport, Path]:
    submitted = tmp_path / "workspace" / "submitted"
    options.setdefault("lessons", LESSONS)
    return collect(source, submitted, **options), submitted


# -- layouts -------------------------------------------------------------------------------


def test_folder_layout(tmp_path):
    source = make_folder(
        tmp_path / "in",
        {"alice/01_tensors.ipynb": notebook("a = 1"), "bob/02_autograd.ipynb": notebook("b = 2")},
    )
    report, submitted = run(source, tmp_path)
    assert report.problems == []
    assert written(submitted) == {
        "alice/01_tensors/01_tensors.ipynb",
        "bob/02_autograd/02_autograd.ipynb",
    }
    alice = submitted / "alice" / "01_tensors"
    assert (alice / "01_tensors.ipynb").read_bytes() == notebook("a = 1")
    when = datetime.fromtimestamp(1_700_000_000, UTC)
    assert (alice / "timestamp.txt").read_text() == "2023-11-14 22:13:20.000000 UTC"
    assert report.collected == [
        Collected("alice", "01_tensors", alice / "01_tensors.ipynb", when, True),
        Collected(
            "bob", "02_autograd", submitted / "bob/02_autograd/02_autograd.ipynb", when, True
        ),
    ]


def test_zip_with_a_wrapping_top_folder(tmp_path):
    source = make_zip(
        tmp_path / "export.zip",
        [
            ("Lesson export/alice/01_tensors.ipynb", notebook()),
            ("Lesson export/bob/01_tensors.ipynb", notebook()),
            ("Lesson export/", b""),  # a directory entry
        ],
    )
    report, submitted = run(source, tmp_path)
    assert report.problems == []
    assert written(submitted) == {
        "alice/01_tensors/01_tensors.ipynb",
        "bob/01_tensors/01_tensors.ipynb",
    }


def test_canvas_style_names(tmp_path):
    source = make_zip(
        tmp_path / "submissions.zip",
        [
            ("alicesmith_12345_678901_01_tensors.ipynb", notebook()),
            ("bobjones_late_23456_789012_02_autograd-1.ipynb", notebook()),
            ("submissions/carolx_34567_890123_01_Tensors (1).ipynb", notebook()),
        ],
    )
    report, submitted = run(source, tmp_path)
    assert report.problems == []
    assert written(submitted) == {
        "alicesmith/01_tensors/01_tensors.ipynb",
        "bobjones/02_autograd/02_autograd.ipynb",
        "carolx/01_tensors/01_tensors.ipynb",
    }
    assert DEFAULT_PATTERNS[0].startswith("(?i)")


def test_student_ids_are_lowered_and_validated(tmp_path):
    source = make_zip(
        tmp_path / "in.zip",
        [("Alice/01_tensors.ipynb", notebook()), ("Bad Name/01_tensors.ipynb", notebook())],
    )
    report, submitted = run(source, tmp_path)
    assert written(submitted) == {"alice/01_tensors/01_tensors.ipynb"}
    assert report.problems == [
        "invalid student id 'bad name' from 'Bad Name/01_tensors.ipynb': "
        f"must match {STUDENT_ID.pattern}: skipped"
    ]


def test_a_folder_one_level_too_deep_is_not_read_as_students_named_after_lessons(tmp_path):
    # nbgrader's own layout given by mistake: alice/01_tensors/01_tensors.ipynb
    source = make_folder(tmp_path / "in", {"alice/01_tensors/01_tensors.ipynb": notebook()})
    report, submitted = run(source, tmp_path)
    assert report.collected == [] and not submitted.joinpath("01_tensors").exists()
    assert "it is a lesson id" in report.problems[0]


# -- roster, lessons, duplicates -------------------------------------------------------------


def test_roster_filtering(tmp_path):
    source = make_zip(
        tmp_path / "in.zip",
        [
            ("alice/01_tensors.ipynb", notebook()),
            ("mallory/01_tensors.ipynb", notebook()),
            ("trudy/01_tensors.ipynb", notebook()),
            ("trudy/02_autograd.ipynb", notebook()),
        ],
    )
    report, submitted = run(source, tmp_path, students=["Alice", "bob"])
    assert written(submitted) == {"alice/01_tensors/01_tensors.ipynb"}
    assert report.problems == [
        "unknown student 'mallory' (not in the roster): skipped",
        "unknown student 'trudy' (not in the roster): skipped 2 files",
    ]


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("alice/tensors.ipynb", f"misnamed file 'alice/tensors.ipynb': {EXPECTED}"),
        ("alice/01_Tensors_copy.ipynb", f"misnamed file 'alice/01_Tensors_copy.ipynb': {EXPECTED}"),
        ("alice/03_cnn.ipynb", f"misnamed file 'alice/03_cnn.ipynb': {EXPECTED}"),
        (
            "01_tensors.ipynb",
            "misnamed file '01_tensors.ipynb': expected <student>/<lesson>.ipynb or an LMS "
            "export name, with <lesson> one of 01_tensors, 02_autograd",
        ),
        (
            "a/b/alice/01_tensors.ipynb",
            "misnamed file 'a/b/alice/01_tensors.ipynb': expected <student>/<lesson>.ipynb or "
            "an LMS export name, with <lesson> one of 01_tensors, 02_autograd",
        ),
    ],
)
def test_unknown_lessons_and_misnamed_files_are_reported(tmp_path, name, line):
    source = make_zip(tmp_path / "in.zip", [(name, notebook())])
    report, submitted = run(source, tmp_path)
    assert report.collected == [] and written(submitted) == set()
    assert report.problems == [line]


@pytest.mark.parametrize(
    "stem", ["01_tensors-1", "01_tensors (1)", "01_TENSORS", "01_Tensors-12", "01_tensors (2)-1"]
)
def test_lms_copy_suffixes_are_accepted(tmp_path, stem):
    source = make_folder(tmp_path / "in", {f"alice/{stem}.ipynb": notebook()})
    report, submitted = run(source, tmp_path)
    assert report.problems == []
    assert written(submitted) == {"alice/01_tensors/01_tensors.ipynb"}


@pytest.mark.parametrize("newer_first", [True, False])
def test_duplicates_keep_the_newest_and_report_the_other(tmp_path, newer_first):
    old, new = notebook("old"), notebook("new")
    members = [
        ("alice/01_tensors.ipynb", new if newer_first else old, (2024, 3, 2 if newer_first else 1)),
        (
            "alice/01_tensors-1.ipynb",
            old if newer_first else new,
            (2024, 3, 1 if newer_first else 2),
        ),
    ]
    members = [(name, data, (*day, 9, 0, 0)) for name, data, day in members]
    report, submitted = run(make_zip(tmp_path / "in.zip", members), tmp_path)
    assert (submitted / "alice/01_tensors/01_tensors.ipynb").read_bytes() == new
    kept, other = ("alice/01_tensors.ipynb", "alice/01_tensors-1.ipynb")
    if not newer_first:
        kept, other = other, kept
    assert report.problems == [
        f"duplicate submission for alice/01_tensors: kept {kept!r} "
        f"(2024-03-02 09:00:00.000000 UTC, newer), ignored {other!r} "
        "(2024-03-01 09:00:00.000000 UTC)"
    ]
    assert report.collected[0].timestamp == datetime(2024, 3, 2, 9, tzinfo=UTC)


def test_duplicates_at_the_same_time_keep_the_later_name(tmp_path):
    source = make_folder(
        tmp_path / "in",
        {"alice/01_tensors (1).ipynb": notebook("first"), "alice/01_tensors.ipynb": notebook("2")},
    )
    report, submitted = run(source, tmp_path)
    assert (submitted / "alice/01_tensors/01_tensors.ipynb").read_bytes() == notebook("2")
    assert report.problems[0].startswith(
        "duplicate submission for alice/01_tensors: kept 'alice/01_tensors.ipynb'"
    )
    assert "same time, later name" in report.problems[0]


def test_an_unreadable_newest_duplicate_falls_back_to_the_older_one(tmp_path):
    source = make_zip(
        tmp_path / "in.zip",
        [
            ("alice/01_tensors.ipynb", notebook("old"), (2024, 3, 1, 0, 0, 0)),
            ("alice/01_tensors-1.ipynb", b" " * 2_000_000, (2024, 3, 2, 0, 0, 0)),
        ],
    )
    report, submitted = run(source, tmp_path, max_notebook_mb=0.5)
    assert (submitted / "alice/01_tensors/01_tensors.ipynb").read_bytes() == notebook("old")
    assert report.problems == [
        "too big: 'alice/01_tensors-1.ipynb' is over 0.5 MB uncompressed: skipped"
    ]


# -- ignored and non-notebook files ------------------------------------------------------------


def test_macos_forks_checkpoints_dotfiles_and_directories_are_ignored_silently(tmp_path):
    source = make_zip(
        tmp_path / "in.zip",
        [
            ("alice/01_tensors.ipynb", notebook()),
            ("__MACOSX/alice/._01_tensors.ipynb", b"\x00\x05\x16\x07"),
            ("__MACOSX/", b""),
            ("alice/.ipynb_checkpoints/01_tensors-checkpoint.ipynb", notebook()),
            ("alice/.DS_Store", b"junk"),
            (".hidden/bob/01_tensors.ipynb", notebook()),
            ("bob/", b""),
        ],
    )
    report, submitted = run(source, tmp_path)
    assert report.problems == []
    assert written(submitted) == {"alice/01_tensors/01_tensors.ipynb"}


def test_non_notebook_files_are_summarised_in_one_line(tmp_path):
    files = {"alice/01_tensors.ipynb": notebook(), "alice/notes.txt": b"hi", "index.html": b"x"}
    files |= {f"bob/figure{i}.png": b"png" for i in range(6)}
    report, _ = run(make_folder(tmp_path / "in", files), tmp_path)
    assert report.problems == [
        "ignored 8 non-notebook files (e.g. alice/notes.txt, bob/figure0.png, bob/figure1.png, "
        "bob/figure2.png, bob/figure3.png, ...)"
    ]


# -- hostile zips ------------------------------------------------------------------------------


def test_zip_slip_members_are_never_written_outside_and_are_reported(tmp_path):
    evil = [
        "../../evil.ipynb",
        "/abs/evil.ipynb",
        "alice/../../evil.ipynb",
        "..\\..\\evil.ipynb",
        "C:/Users/evil.ipynb",
        "../alice/01_tensors.ipynb",
    ]
    source = make_zip(
        tmp_path / "in.zip",
        [(name, notebook("evil")) for name in evil] + [("bob/01_tensors.ipynb", notebook())],
    )
    submitted = tmp_path / "a" / "b" / "submitted"
    report = collect(source, submitted, lessons=LESSONS)
    assert files_under(tmp_path) == {
        "in.zip",
        "a/b/submitted/bob/01_tensors/01_tensors.ipynb",
        "a/b/submitted/bob/01_tensors/timestamp.txt",
    }
    assert report.problems == [
        f"unsafe path {name!r} (absolute or with '..'): skipped" for name in evil
    ]


def test_symlink_members_are_reported_and_not_written(tmp_path):
    link = zipfile.ZipInfo("alice/01_tensors.ipynb", date_time=DATE)
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    source = make_zip(
        tmp_path / "in.zip", [(link, "/etc/passwd"), ("bob/01_tensors.ipynb", notebook())]
    )
    report, submitted = run(source, tmp_path)
    assert written(submitted) == {"bob/01_tensors/01_tensors.ipynb"}
    assert report.problems == [
        "symbolic link 'alice/01_tensors.ipynb': skipped (links are never followed)"
    ]


def test_a_zip_bomb_is_reported_as_too_big_and_not_written(tmp_path):
    bomb = b"{" + b" " * 5_000_000 + b"}"  # deflates to a few kB
    source = make_zip(
        tmp_path / "in.zip",
        [("alice/01_tensors.ipynb", bomb), ("bob/01_tensors.ipynb", notebook())],
    )
    assert source.stat().st_size < 50_000
    report, submitted = run(source, tmp_path, max_notebook_mb=0.5)
    assert written(submitted) == {"bob/01_tensors/01_tensors.ipynb"}
    assert not (submitted / "alice").exists()
    assert report.problems == [
        "too big: 'alice/01_tensors.ipynb' is over 0.5 MB uncompressed: skipped"
    ]


@pytest.mark.parametrize(
    ("declared", "problem"),
    [
        (10, "cannot read 'alice/01_tensors.ipynb' (BadZipFile: Bad CRC-32"),
        (10**9, "too big: 'alice/01_tensors.ipynb' is over 0.5 MB uncompressed"),
    ],
)
def test_a_declared_size_that_lies_does_not_help_a_bomb(tmp_path, declared, problem):
    source = make_zip(tmp_path / "in.zip", [("alice/01_tensors.ipynb", b" " * 3_000_000)])
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        (info,) = archive.infolist()
    central = data.rindex(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, declared)  # uncompressed size, central directory
    struct.pack_into("<I", data, info.header_offset + 22, declared)  # and local header
    source.write_bytes(bytes(data))
    report, submitted = run(source, tmp_path, max_notebook_mb=0.5)
    assert written(submitted) == set()
    (line,) = report.problems
    assert line.startswith(problem)


@pytest.mark.parametrize("content", [b"this is not a zip file", b"PK\x03\x04" + b"\x00" * 40, b""])
def test_an_unreadable_archive_is_a_problem_not_an_exception(tmp_path, content):
    source = tmp_path / "in.zip"
    source.write_bytes(content)
    report, submitted = run(source, tmp_path)
    assert report.collected == [] and written(submitted) == set()
    (line,) = report.problems
    assert line.startswith("unreadable archive 'in.zip': BadZipFile")


def test_a_truncated_archive_is_a_problem_not_an_exception(tmp_path):
    source = make_zip(tmp_path / "in.zip", [("alice/01_tensors.ipynb", notebook())])
    source.write_bytes(source.read_bytes()[:-30])
    report, _ = run(source, tmp_path)
    assert report.collected == []
    assert report.problems[0].startswith("unreadable archive 'in.zip'")


def flip_member_byte(source: Path, name: str) -> None:
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo(name)
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    data[start + info.compress_size // 2] ^= 0xFF
    source.write_bytes(bytes(data))


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_corrupt_member_is_reported_and_the_others_collected(tmp_path, compression):
    members = [
        ("alice/01_tensors.ipynb", notebook("a" * 2000)),
        ("bob/01_tensors.ipynb", notebook()),
        ("carol/02_autograd.ipynb", notebook()),
    ]
    source = make_zip(tmp_path / "in.zip", members, compression)
    flip_member_byte(source, "alice/01_tensors.ipynb")
    report, submitted = run(source, tmp_path)
    assert written(submitted) == {
        "bob/01_tensors/01_tensors.ipynb",
        "carol/02_autograd/02_autograd.ipynb",
    }
    (line,) = report.problems
    assert line.startswith("cannot read 'alice/01_tensors.ipynb' (") and line.endswith(": skipped")


def test_an_encrypted_member_is_reported(tmp_path):
    source = make_zip(
        tmp_path / "in.zip",
        [("alice/01_tensors.ipynb", notebook()), ("bob/01_tensors.ipynb", notebook())],
    )
    data = bytearray(source.read_bytes())
    central = data.index(b"PK\x01\x02")  # alice's entry comes first
    data[central + 8] |= 0x1  # general purpose flags: encrypted
    source.write_bytes(bytes(data))
    report, submitted = run(source, tmp_path)
    assert written(submitted) == {"bob/01_tensors/01_tensors.ipynb"}
    assert report.problems[0].startswith("cannot read 'alice/01_tensors.ipynb' (RuntimeError")


# -- notebooks that are not notebooks -----------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"cells": [', "NotJSONError"),
        (b"\xff\xfe not utf-8", "UnicodeDecodeError"),
        (b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": "x"}', "ValidationError"),
        (b"[]", ""),
    ],
)
def test_an_invalid_notebook_is_collected_and_reported(tmp_path, content, reason):
    source = make_zip(tmp_path / "in.zip", [("alice/01_tensors.ipynb", content)])
    report, submitted = run(source, tmp_path)
    (collected,) = report.collected
    assert collected.valid_notebook is False
    assert collected.path.read_bytes() == content
    (line,) = report.problems
    assert line.startswith(f"not a readable notebook: alice/01_tensors ({reason}")


def test_timestamps_come_from_zip_dates_in_nbgrader_format(tmp_path):
    source = make_zip(
        tmp_path / "in.zip",
        [
            ("alice/01_tensors.ipynb", notebook(), (2024, 3, 1, 12, 34, 56)),
            ("bob/01_tensors.ipynb", notebook(), (2023, 12, 31, 23, 59, 58)),
        ],
    )
    report, submitted = run(source, tmp_path)
    alice = (submitted / "alice/01_tensors/timestamp.txt").read_text()
    assert alice == "2024-03-01 12:34:56.000000 UTC"
    assert (submitted / "bob/01_tensors/timestamp.txt").read_text() == (
        "2023-12-31 23:59:58.000000 UTC"
    )
    assert parse_utc(alice) == datetime(2024, 3, 1, 12, 34, 56)  # nbgrader reads it back
    assert report.collected[0].timestamp == datetime(2024, 3, 1, 12, 34, 56, tzinfo=UTC)
    assert report.collected[0].timestamp.tzinfo is UTC
    mtime = report.collected[0].path.stat().st_mtime
    assert mtime == datetime(2024, 3, 1, 12, 34, 56, tzinfo=UTC).timestamp()


def test_the_info_zip_utc_time_wins_over_the_dos_date(tmp_path):
    info = zipfile.ZipInfo("alice/01_tensors.ipynb", date_time=(2024, 3, 1, 14, 34, 56))
    utc = datetime(2024, 3, 1, 12, 34, 56, tzinfo=UTC)
    info.extra = struct.pack("<HHBI", 0x5455, 5, 1, int(utc.timestamp()))
    report, _ = run(make_zip(tmp_path / "in.zip", [(info, notebook())]), tmp_path)
    assert report.collected[0].timestamp == utc


def test_timestamps_come_from_file_mtimes_with_microseconds(tmp_path):
    source = make_folder(tmp_path / "in", {"alice/01_tensors.ipynb": notebook()})
    os.utime(source / "alice/01_tensors.ipynb", ns=(0, 1_709_296_496_123_456_789))
    report, submitted = run(source, tmp_path)
    assert (submitted / "alice/01_tensors/timestamp.txt").read_text() == (
        "2024-03-01 12:34:56.123456 UTC"
    )


def test_a_member_without_a_valid_date_uses_the_archives_date(tmp_path):
    source = make_zip(
        tmp_path / "in.zip", [("alice/01_tensors.ipynb", notebook(), (1980, 0, 0, 0, 0, 0))]
    )
    os.utime(source, (1_700_000_000, 1_700_000_000))
    report, _ = run(source, tmp_path)
    assert report.collected[0].timestamp == datetime.fromtimestamp(1_700_000_000, UTC)
    assert report.problems == [
        "no valid date on 'alice/01_tensors.ipynb' in the archive: used the zip file's date"
    ]


# -- re-collecting --------------------------------------------------------------------------


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        name: ((root / name).read_bytes(), (root / name).stat().st_mtime_ns)
        for name in files_under(root)
    }


def test_re_collecting_the_same_input_is_idempotent(tmp_path):
    source = make_zip(
        tmp_path / "in.zip",
        [
            ("alice/01_tensors.ipynb", notebook()),
            ("alice/02_autograd.ipynb", b"not json"),
            ("bob/01_tensors.ipynb", notebook()),
        ],
    )
    first, submitted = run(source, tmp_path)
    before = snapshot(submitted)
    second, _ = run(source, tmp_path)
    assert snapshot(submitted) == before
    assert second == first
    assert len(before) == 6  # no temporary files left behind


def test_a_newer_submission_overwrites_only_that_students_lesson(tmp_path):
    old = make_zip(
        tmp_path / "old.zip",
        [
            ("alice/01_tensors.ipynb", notebook("old"), (2024, 3, 1, 0, 0, 0)),
            ("alice/02_autograd.ipynb", notebook(), (2024, 3, 1, 0, 0, 0)),
            ("bob/01_tensors.ipynb", notebook(), (2024, 3, 1, 0, 0, 0)),
        ],
    )
    new = make_zip(
        tmp_path / "new.zip", [("alice/01_tensors.ipynb", notebook("new"), (2024, 3, 5, 0, 0, 0))]
    )
    _, submitted = run(old, tmp_path)
    before = snapshot(submitted)
    report, _ = run(new, tmp_path)
    assert report.problems == []
    after = snapshot(submitted)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"alice/01_tensors/01_tensors.ipynb", "alice/01_tensors/timestamp.txt"}
    assert after["alice/01_tensors/01_tensors.ipynb"][0] == notebook("new")
    # Going back to the old export says that it replaces something newer.
    report, _ = run(old, tmp_path)
    assert report.problems == [
        "alice/01_tensors: replaced a newer collected submission "
        "(2024-03-05 00:00:00.000000 UTC) with 'alice/01_tensors.ipynb' "
        "(2024-03-01 00:00:00.000000 UTC)"
    ]


# -- folders ---------------------------------------------------------------------------------


def test_folder_symlinks_are_reported_and_not_followed(tmp_path):
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "01_tensors.ipynb").write_bytes(notebook("secret"))
    source = make_folder(tmp_path / "in", {"bob/01_tensors.ipynb": notebook()})
    (source / "alice").mkdir()
    (source / "alice" / "01_tensors.ipynb").symlink_to(outside / "01_tensors.ipynb")
    (source / "carol").symlink_to(outside, target_is_directory=True)
    report, submitted = run(source, tmp_path)
    assert written(submitted) == {"bob/01_tensors/01_tensors.ipynb"}
    assert report.problems == [
        "symbolic link 'alice/01_tensors.ipynb': skipped (links are never followed)",
        "symbolic link 'carol': skipped (links are never followed)",
    ]


def test_a_fifo_in_the_folder_is_reported_without_blocking(tmp_path):
    source = make_folder(tmp_path / "in", {"bob/01_tensors.ipynb": notebook()})
    (source / "alice").mkdir()
    os.mkfifo(source / "alice" / "01_tensors.ipynb")
    report, submitted = run(source, tmp_path)
    assert written(submitted) == {"bob/01_tensors/01_tensors.ipynb"}
    assert report.problems == ["not a regular file 'alice/01_tensors.ipynb': skipped"]


def test_a_write_error_is_reported_and_the_others_collected(tmp_path):
    source = make_folder(
        tmp_path / "in", {"alice/01_tensors.ipynb": notebook(), "bob/01_tensors.ipynb": notebook()}
    )
    submitted = tmp_path / "workspace" / "submitted"
    (submitted / "alice").mkdir(parents=True)
    (submitted / "alice" / "01_tensors").write_text("a file where a folder should be")
    report, _ = run(source, tmp_path)
    assert [c.student for c in report.collected] == ["bob"]
    (line,) = report.problems
    assert line.startswith("cannot write alice/01_tensors: FileExistsError")


def test_a_workspace_folder_that_links_outside_is_not_written_through(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    submitted = tmp_path / "workspace" / "submitted"
    submitted.mkdir(parents=True)
    (submitted / "alice").symlink_to(outside, target_is_directory=True)
    source = make_folder(tmp_path / "in", {"alice/01_tensors.ipynb": notebook()})
    report, _ = run(source, tmp_path)
    assert report.collected == [] and files_under(outside) == set()
    assert report.problems == ["unsafe destination for alice/01_tensors: it leaves the workspace"]


def test_a_path_that_is_neither_a_file_nor_a_folder_is_a_problem(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    report = collect(tmp_path / "pipe", tmp_path / "submitted", lessons=LESSONS)
    assert report.problems == ["unreadable archive 'pipe': not a regular file; nothing collected"]


# -- the rest of the API ----------------------------------------------------------------------


def test_a_path_that_does_not_exist_raises(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing to collect: .*missing.zip"):
        collect(tmp_path / "missing.zip", tmp_path / "submitted", lessons=LESSONS)


@pytest.mark.parametrize(
    "options",
    [
        {"lessons": ["../up"]},
        {"lessons": []},
        {"lessons": "01_tensors"},
        {"lessons": LESSONS, "patterns": [r"(?P<student>.*)\.ipynb"]},
        {"lessons": LESSONS, "patterns": ["(unclosed"]},
        {"lessons": LESSONS, "max_notebook_mb": 0},
    ],
)
def test_bad_arguments_raise_value_error(tmp_path, options):
    with pytest.raises(ValueError):
        collect(tmp_path, tmp_path / "submitted", **options)


def test_summary():
    when = datetime(2024, 1, 1, tzinfo=UTC)
    items = [
        Collected("alice", "01_tensors", Path("a"), when, True),
        Collected("alice", "02_autograd", Path("b"), when, True),
        Collected("bob", "01_tensors", Path("c"), when, False),
    ]
    report = CollectReport(items, ["one"])
    assert report.summary() == "collected 3 submissions from 2 students; 1 problem"
    assert CollectReport(items[:1], []).summary() == (
        "collected 1 submission from 1 student; 0 problems"
    )


def test_summary_of_a_real_run(tmp_path):
    source = make_zip(
        tmp_path / "in.zip",
        [("alice/01_tensors.ipynb", notebook()), ("bob/03_cnn.ipynb", notebook())],
    )
    report, _ = run(source, tmp_path)
    assert report.summary() == "collected 1 submission from 1 student; 1 problem"


def test_custom_patterns(tmp_path):
    source = make_folder(tmp_path / "in", {"hw-01_tensors-by-alice.ipynb": notebook()})
    report, submitted = run(
        source, tmp_path, patterns=[r"hw-(?P<lesson>.+)-by-(?P<student>[^/]+)\.ipynb"]
    )
    assert report.problems == []
    assert written(submitted) == {"alice/01_tensors/01_tensors.ipynb"}


def test_progress_bar_goes_to_stderr(tmp_path, capsys):
    source = make_folder(tmp_path / "in", {"alice/01_tensors.ipynb": notebook()})
    run(source, tmp_path, progress=True)
    captured = capsys.readouterr()
    assert captured.out == "" and "collect" in captured.err and "1/1" in captured.err


# -- property: no member name writes outside -------------------------------------------------

SEGMENTS = st.one_of(
    st.sampled_from(
        [
            "..",
            ".",
            "",
            "alice",
            "Bob",
            "01_tensors.ipynb",
            "02_autograd-1.ipynb",
            "__MACOSX",
            ".hidden",
            "C:",
            "évil",
            "x_1_2_01_tensors.ipynb",
            "..\\..",
            "/",
            "01_tensors",
        ]
    ),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
)
MEMBERS = st.lists(
    st.tuples(
        st.one_of(
            st.lists(SEGMENTS, min_size=1, max_size=7).map("/".join),
            st.sampled_from(  # names that do collect, so that writing is exercised too
                [
                    "alice/01_tensors.ipynb",
                    "top/Bob/02_autograd (1).ipynb",
                    "c_1_2_01_tensors.ipynb",
                ]
            ),
        ),
        st.booleans(),  # symlink entry
        st.sampled_from([notebook(), b"{", b""]),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(members=MEMBERS)
def test_no_member_name_writes_outside_the_workspace_or_raises(members):
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        source = root / "a" / "b" / "c" / "d" / "in.zip"
        source.parent.mkdir(parents=True)
        entries = []
        for name, link, data in members:
            info = zipfile.ZipInfo(name, date_time=DATE)
            if link:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            entries.append((info, data))
        make_zip(source, entries)
        submitted = source.parent / "ws" / "submitted"
        report = collect(source, submitted, lessons=LESSONS)
        assert isinstance(report.summary(), str)
        assert all("\n" not in line for line in report.problems)
        for name in files_under(root):
            assert name == "a/b/c/d/in.zip" or name.startswith("a/b/c/d/ws/submitted/"), name
        for name in files_under(submitted):
            student, lesson, file = name.split("/")
            assert STUDENT_ID.fullmatch(student) and lesson in LESSONS
            assert file in {f"{lesson}.ipynb", "timestamp.txt"}


# -- notebooks too big to grade ------------------------------------------------------------


def _markdown_notebook(cells: int, size: int = 1) -> bytes:
    """A valid notebook of ``cells`` markdown cells (JSON by hand: nbformat.writes
    validates, which takes seconds for thousands of cells)."""
    made = [{"cell_type": "markdown", "id": f"c{i}", "metadata": {}, "source": "x" * size}
            for i in range(cells)]  # fmt: skip
    notebook = {"cells": made, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(notebook).encode()


def _huge_output_notebook(size: int) -> bytes:
    big = new_code_cell("print()", id="big")
    big.outputs = [nbformat.v4.new_output("stream", text="y" * size)]
    return nbformat.writes(new_notebook(cells=[new_code_cell("x = 1", id="c"), big])).encode()


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (lambda: _markdown_notebook(MAX_CELLS + 1), f"has {MAX_CELLS + 1:,} cells (at most"),
        (lambda: _markdown_notebook(3, MAX_CELL_BYTES), "has a cell of 2.0 MB (cell 1; at most"),
        (lambda: _huge_output_notebook(MAX_CELL_BYTES), "has a cell of 2.0 MB (cell 2;"),
    ],
    ids=["too-many-cells", "a-huge-markdown-cell", "a-huge-output"],
)
def test_a_notebook_over_the_caps_is_refused_and_not_written(tmp_path, data, why):
    source = make_folder(tmp_path / "in", {"alice/01_tensors.ipynb": data(),
                                           "bob/01_tensors.ipynb": notebook()})  # fmt: skip
    report, submitted = run(source, tmp_path)
    assert written(submitted) == {"bob/01_tensors/01_tensors.ipynb"}
    assert not (submitted / "alice").exists()
    (problem,) = report.problems
    assert problem.startswith(f"too big: 'alice/01_tensors.ipynb' {why}"), problem
    assert problem.endswith(": skipped") and "\n" not in problem
    assert [c.student for c in report.collected] == ["bob"]


def test_a_notebook_at_the_caps_is_collected(tmp_path):
    data = _markdown_notebook(MAX_CELLS)
    source = make_folder(tmp_path / "in", {"alice/01_tensors.ipynb": data})
    report, submitted = run(source, tmp_path)
    assert report.problems == [] and [c.valid_notebook for c in report.collected] == [True]
    assert (submitted / "alice/01_tensors/01_tensors.ipynb").read_bytes() == data


def test_an_oversized_newest_notebook_falls_back_to_the_older_one(tmp_path):
    source = make_zip(
        tmp_path / "in.zip",
        [
            ("alice/01_tensors.ipynb", notebook("old"), (2024, 3, 1, 0, 0, 0)),
            ("alice/01_tensors-1.ipynb", _markdown_notebook(MAX_CELLS + 1), (2024, 3, 2, 0, 0, 0)),
        ],
    )
    report, submitted = run(source, tmp_path)
    assert (submitted / "alice/01_tensors/01_tensors.ipynb").read_bytes() == notebook("old")
    assert report.problems == [
        f"too big: 'alice/01_tensors-1.ipynb' has {MAX_CELLS + 1:,} cells "
        f"(at most {MAX_CELLS:,}): skipped"
    ]
