"""The ``course`` command: the instructor's pipeline on top of nbgrader.

    course release [LESSON ...]     make release/ from source/ and prove it right
    course collect PATH             bring an LMS zip or a folder of submissions in

Exit codes: 0 done; 1 the work found problems (they are printed); 2 bad usage or a bad
course.toml.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from autograder.config import DEFAULT_COURSE_FILE, CourseConfigError, load_course

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="course",
        description="Release, collect and grade the course's nbgrader lessons.",
        epilog="Exit codes: 0 done, 1 problems found (printed), 2 bad usage or course.toml.",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=Path(os.environ.get("COURSE_CONFIG", DEFAULT_COURSE_FILE)),
        help="the course definition (default: course/course.toml, or $COURSE_CONFIG)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    release = commands.add_parser(
        "release",
        help="generate release/ from source/ and prove it right",
        description=(
            "Run nbgrader generate_assignment for each lesson, add the Colab cells, then "
            "check: no solution or hidden test leaks, no outputs, points match course.toml, "
            "the instructor copy passes, the student copy fails cleanly."
        ),
    )
    release.add_argument("lessons", nargs="*", metavar="LESSON", help="default: every lesson")
    release.add_argument(
        "--no-run", action="store_true", help="skip running the notebooks (static checks only)"
    )
    release.set_defaults(handler=cmd_release)

    collect = commands.add_parser(
        "collect",
        help="bring an LMS zip or a folder of <student>/<lesson>.ipynb into the workspace",
        description=(
            "Copy submissions into the workspace in nbgrader's layout. Unknown students, "
            "misnamed or duplicate files, unsafe or unreadable entries are reported and "
            "skipped; the rest are collected."
        ),
    )
    collect.add_argument("path", type=Path, metavar="PATH", help="a .zip file or a folder")
    collect.add_argument(
        "--max-mb", type=float, default=50.0, help="largest notebook accepted (default 50 MB)"
    )
    collect.set_defaults(handler=cmd_collect)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        course = load_course(args.config)
        return args.handler(course, args)
    except CourseConfigError as error:
        print(f"course: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("course: interrupted", file=sys.stderr)
        return 130


def cmd_release(course, args) -> int:
    from autograder.release import release_lessons

    lessons = course.select(args.lessons)
    if not lessons:
        print("course release: course.toml lists no lessons yet; nothing to release")
        return EXIT_OK
    results = release_lessons(course, lessons, run=not args.no_run, progress=sys.stderr.isatty())
    for result in results:
        if result.ok:
            timing = ""
            if result.instructor_seconds:
                timing = (
                    f" (instructor copy {result.instructor_seconds:.0f} s, "
                    f"student copy {result.student_seconds:.0f} s)"
                )
            print(f"ok      {result.lesson}: {_shown(result.notebook, course.root)}{timing}")
        else:
            print(f"FAILED  {result.lesson}:")
            for problem in result.problems:
                print(f"        - {problem}")
    failed = [r.lesson for r in results if not r.ok]
    if failed:
        print(
            f"course release: {len(failed)} of {len(results)} lessons failed: {', '.join(failed)}"
        )
        return EXIT_PROBLEMS
    print(f"course release: {len(results)} lessons released")
    return EXIT_OK


def cmd_collect(course, args) -> int:
    from autograder.collect import collect

    if not course.lessons:
        print("course collect: course.toml lists no lessons yet; nothing to collect")
        return EXIT_OK
    try:
        report = collect(
            args.path,
            course.workspace / "submitted",
            lessons=[lesson.id for lesson in course.lessons],
            students=course.students(),
            max_notebook_mb=args.max_mb,
            progress=sys.stderr.isatty(),
        )
    except FileNotFoundError as error:
        print(f"course collect: {error}", file=sys.stderr)
        return EXIT_USAGE
    for problem in report.problems:
        print(f"problem: {problem}")
    print(f"course collect: {report.summary()}")
    return EXIT_PROBLEMS if report.problems else EXIT_OK


def _shown(path: Path | None, root: Path) -> str:
    if path is None:
        return "-"
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
