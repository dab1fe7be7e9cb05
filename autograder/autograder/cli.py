"""The ``course`` command: the instructor's pipeline on top of nbgrader.

    course release [LESSON ...]     make release/ from source/ and prove it right
    course collect PATH             bring an LMS zip or a folder of submissions in
    course grade [--lesson L] [--student S] [--jobs N] [--scheduler ADDRESS] [--force]
                                    autograde everything on Dask workers, each sandboxed
    course feedback                 one HTML page per student and lesson
    course export                   grades.csv and cells.csv
    course report                   one HTML page with plots for the instructor
    course formgrader               nbgrader's formgrader, to grade the written answers
    course demo                     all of it on a demo class, checked

Exit codes: 0 done; 1 the work found problems (they are printed); 2 bad usage or a bad
course.toml; 130 stopped with Ctrl-C (`course grade` resumes where it stopped).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from autograder.config import DEFAULT_COURSE_FILE, CourseConfigError, load_course

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


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
    release.add_argument(
        "--allow-moving-ref",
        action="store_true",
        help="release even when course.toml's ref is a branch (students get what it holds)",
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

    grade = commands.add_parser(
        "grade",
        help="autograde every submission in parallel, each in its own sandbox",
        description=(
            "Autograde with nbgrader, executing each submission on a Dask worker in a "
            "bubblewrap sandbox under the lesson's time, memory and output limits. Every "
            "submission gets a score and a reason; flagged ones are marked for manual "
            "review. Each result is written as soon as it is scored: a run stopped with "
            "Ctrl-C resumes where it stopped, and a re-run skips what is unchanged."
        ),
    )
    grade.add_argument(
        "--lesson", action="append", metavar="L", help="only this lesson (repeatable)"
    )
    grade.add_argument(
        "--student", action="append", metavar="S", help="only this student (repeatable)"
    )
    grade.add_argument(
        "--jobs", type=int, default=None,
        help="workers of the local Dask cluster (default: CPU count)",
    )  # fmt: skip
    grade.add_argument(
        "--scheduler", metavar="ADDRESS", default=None,
        help="grade on this Dask scheduler's workers, e.g. tcp://host:8786 (default: "
        "[grading] scheduler in course.toml, else a local cluster)",
    )  # fmt: skip
    grade.add_argument(
        "--force", action="store_true",
        help="grade again what is unchanged since its last grade (skipped otherwise)",
    )  # fmt: skip
    grade.add_argument(
        "--sandbox", choices=["auto", "on", "off"], default="auto",
        help="bubblewrap: auto (use it where it works), on (required), off",
    )  # fmt: skip
    grade.set_defaults(handler=cmd_grade)

    feedback = commands.add_parser(
        "feedback",
        help="one HTML page per student and lesson, safe to hand out",
        description=(
            "Write <workspace>/feedback/<student>/<lesson>.html: each test's name, points "
            "and a message meant for the student; never a hidden test's source, a "
            "traceback or a test cell's output."
        ),
    )
    feedback.add_argument("--lesson", action="append", metavar="L", help="only this lesson")
    feedback.add_argument("--student", action="append", metavar="S", help="only this student")
    feedback.set_defaults(handler=cmd_feedback)

    review = commands.add_parser(
        "review",
        help="list submissions whose score is withheld, or decide on one",
        description=(
            "A submission whose canary test passed (tampered) or that the integrity scan "
            "flagged has its autograded score withheld: it counts 0 in grades.csv until "
            "you decide. Without arguments: list what awaits a decision, tampered first."
        ),
    )
    review.add_argument("lesson", nargs="?", metavar="LESSON")
    review.add_argument("student", nargs="?", metavar="STUDENT")
    decision = review.add_mutually_exclusive_group()
    decision.add_argument("--accept", action="store_true", help="release the autograded score")
    decision.add_argument("--reject", action="store_true", help="keep it at 0")
    review.add_argument("--note", default="", help="why (kept with the decision)")
    review.set_defaults(handler=cmd_review)

    export = commands.add_parser(
        "export",
        help="grades.csv (student x lesson) and cells.csv (every graded cell)",
        description="Export the gradebook, manual scores included, as two CSV files.",
    )
    export.add_argument("--out", type=Path, default=None, help="default: <workspace>/export")
    export.set_defaults(handler=cmd_export)

    report = commands.add_parser(
        "report",
        help="write one self-contained HTML page on how grading went",
        description=(
            "Summarise `course grade`'s results and the gradebook in one HTML page (plots "
            "embedded, nothing to download): scores per lesson, pass rate per test, time "
            "and memory per submission, the flagged submissions a person must review and "
            "the submissions with problems."
        ),
    )
    report.add_argument(
        "--out", type=Path, default=None,
        help="where to write the page (default: <workspace>/report/index.html)",
    )  # fmt: skip
    report.set_defaults(handler=cmd_report)

    formgrader = commands.add_parser(
        "formgrader",
        help="nbgrader's formgrader in JupyterLab, to grade the written answers",
        description=(
            "Start JupyterLab with nbgrader's formgrader on this course's workspace and "
            "gradebook (the settings `course grade` uses), print its URL with the token, "
            "and run until Ctrl-C. Scores and comments entered there go to the gradebook: "
            "`course export`, `course report` and `course feedback` include them."
        ),
    )
    formgrader.add_argument("--port", type=int, default=None, help="default: a free port")
    formgrader.add_argument("--ip", default="127.0.0.1",
                            help="address to listen on (default: this machine only)")  # fmt: skip
    formgrader.set_defaults(handler=cmd_formgrader)

    demo = commands.add_parser(
        "demo",
        help="the whole pipeline on a demo class: release, collect, grade, feedback, report",
        description=(
            "On a scratch copy of the course: release, make a demo class (perfect, blank, "
            "partial and hostile submissions), collect it from a zip, grade it sandboxed, "
            "write feedback, export and the report; then check every grade is as expected. "
            "Runs on the course's first lesson (or the --lesson ones); uses the example "
            "course while course.toml lists no lessons."
        ),
    )
    demo.add_argument("--lesson", action="append", metavar="L",
                      help="this lesson (repeat for more; default: the first lesson)")  # fmt: skip
    demo.add_argument("--out", type=Path, default=None, help="default: <workspace>/demo")
    demo.add_argument("--jobs", type=int, default=None, help="parallel graders (default: CPUs)")
    demo.set_defaults(handler=cmd_demo)
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
    except Exception as error:
        database = sys.modules.get("sqlalchemy.exc")  # loaded if the error came from there
        if database is None or not isinstance(error, database.OperationalError):
            raise
        from autograder.workspace import shown_url

        url = shown_url(course.gradebook_url)  # never a password on the screen
        first = str(error.orig or error).strip().splitlines()[0].replace(course.gradebook_url, url)
        print(f"course: cannot use the gradebook {url}: {first}", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        print("course: interrupted", file=sys.stderr)
        return 130


def cmd_release(course, args) -> int:
    from autograder.release import ref_kind, ref_problem, release_lessons

    lessons = course.select(args.lessons)
    if not lessons:
        print("course release: course.toml lists no lessons yet; nothing to release")
        return EXIT_OK
    problem = ref_problem(course)
    if problem and not args.allow_moving_ref:
        print(f"course release: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if ref_kind(course.root, course.ref) == "unknown":
        print(
            f"course release: note: {course.ref!r} is no tag or branch of this checkout; "
            f"make sure {course.repository} has it before students open the notebooks",
            file=sys.stderr,
        )
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
    print(f"course release: {len(results)} lesson{'' if len(results) == 1 else 's'} released")
    return EXIT_OK


def cmd_collect(course, args) -> int:
    from autograder.collect import collect

    if not course.lessons:
        print("course collect: course.toml lists no lessons yet; nothing to collect")
        return EXIT_OK
    try:
        report = collect(
            args.path,
            course.layout.submitted_root,
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


def cmd_grade(course, args) -> int:
    import signal

    from autograder.grade import grade_all
    from autograder.sandbox import bubblewrap_available

    # Ctrl-C stops the run cleanly even where `course` was started with SIGINT ignored
    # (Python then installs no handler of its own: a parent that ignores it, nohup, some
    # CI runners and test workers), as formgrader does.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    lessons = course.select(args.lesson)
    if not lessons:
        print("course grade: course.toml lists no lessons yet; nothing to grade")
        return EXIT_OK
    if args.jobs is not None and args.jobs < 1:
        print("course grade: --jobs must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    if args.sandbox == "on" and not bubblewrap_available():
        print("course grade: --sandbox on, but bubblewrap (bwrap) is missing or does not work",
              file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    if args.sandbox == "auto" and not bubblewrap_available():
        print(
            "course grade: bubblewrap is not available: grading WITHOUT a sandbox (time, "
            "memory and output limits still apply). Install it: apt-get install bubblewrap"
        )
    try:
        results = grade_all(
            course, lessons, args.student, jobs=args.jobs, sandbox=args.sandbox,
            progress=sys.stderr.isatty(), scheduler=args.scheduler, force=args.force,
        )  # fmt: skip
    except RuntimeError as error:
        print(f"course grade: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(f"{'student':16} {'lesson':22} {'score':>11}  status")
    for r in results:
        note = r.reason
        score = f"{r.score:5g} / {r.max_score:<4g}"
        if r.flagged:
            rules = sorted({finding["rule"] for finding in r.findings})
            what = "TAMPERED" if r.tampered else f"FLAGGED ({', '.join(rules)})"
            note = f"{what}: the tests gave {r.score:g}, withheld until `course review` {note}"
            score = f"{0:5g} / {r.max_score:<4g}"  # what counts until then
        print(f"{r.student:16} {r.lesson:22} {score} {r.status} {note}".rstrip())
    attention = [r for r in results if r.status not in ("graded", "missing") or r.flagged]
    if results.reused:
        print(
            f"course grade: {results.reused} unchanged since their last grade, kept "
            "(--force grades them again)"
        )
    if results.interrupted:
        print(
            f"course grade: stopped: {len(results) - results.reused} graded in this run, "
            f"{results.remaining} left; run `course grade` again to resume",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    print(
        f"course grade: {len(results)} submissions, {len(attention)} need attention; "
        f"details in {_shown(course.layout.results_root, course.root)}"
    )
    return EXIT_PROBLEMS if attention else EXIT_OK


def cmd_feedback(course, args) -> int:
    from autograder.feedback import FeedbackLeakError, write_feedback

    if not course.lessons:
        print(f"course feedback: {_shown(course.file, course.root)} lists no lessons yet")
        return EXIT_OK
    try:
        lessons = course.select(args.lesson)
        pages = write_feedback(course, lessons, args.student)
    except FeedbackLeakError as error:
        print(f"course feedback: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    except (FileNotFoundError, ValueError) as error:
        print(f"course feedback: {error}", file=sys.stderr)
        return EXIT_USAGE
    if not pages:
        print("course feedback: nothing graded yet: run `course grade` first")
        return EXIT_OK
    where = _shown(course.layout.feedback_root, course.root)
    print(f"course feedback: {len(pages)} pages in {where}")
    return EXIT_OK


def cmd_review(course, args) -> int:
    from autograder import review

    if args.lesson is None:
        waiting = review.pending(course)
        for result in waiting:
            kind = "TAMPERED" if result.get("tampered") else "flagged"
            print(f"{result['student']:16} {result['lesson']:22} {kind:9} {result['withheld']}")
            for finding in result.get("findings", [])[:5]:
                print(f"{'':16} {finding.get('cell', '')}, line {finding.get('line', '')}: "
                      f"{finding.get('code', '')}")  # fmt: skip
        how = " (course review LESSON STUDENT --accept or --reject)" if waiting else ""
        print(f"course review: {len(waiting)} submissions await a decision{how}")
        return EXIT_OK
    if args.student is None or not (args.accept or args.reject):
        print("course review: give LESSON STUDENT and --accept or --reject", file=sys.stderr)
        return EXIT_USAGE
    try:
        course.lesson(args.lesson)
        decided = review.decide(
            course, args.lesson, args.student, review.ACCEPT if args.accept else review.REJECT,
            args.note,
        )  # fmt: skip
    except (KeyError, ValueError) as error:
        print(f"course review: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(f"course review: {args.student}'s {args.lesson}: {decided.decision}ed; run "
          "`course export` for the grades")  # fmt: skip
    return EXIT_OK


def cmd_export(course, args) -> int:
    from autograder.export import export_grades

    out = args.out or course.layout.export
    grades, cells = export_grades(course, out)
    print(f"course export: {_shown(grades, course.root)} and {_shown(cells, course.root)}")
    return EXIT_OK


def cmd_report(course, args) -> int:
    from autograder.report import report_data, write_report

    data = report_data(course)
    try:
        path = write_report(course, args.out, data=data)
    except OSError as error:
        print(f"course report: cannot write the page: {error}", file=sys.stderr)
        return EXIT_USAGE
    for warning in data["warnings"]:
        print(f"warning: {warning}")
    shown = _shown(path, course.root)
    if data["empty"]:
        print(f"course report: nothing graded yet; wrote {shown}")
        return EXIT_OK
    box = data["sandbox"]
    if box["mode"] in ("some", "none"):
        print(
            f"WARNING: {box['executed'] - box['sandboxed']} of {box['executed']} notebooks "
            "ran WITHOUT the sandbox (see the report)"
        )
    counts = data["counts"]
    print(
        f"course report: {data['n_students']} students; {counts['graded']} graded, "
        f"{counts['missing']} missing, {counts['invalid']} invalid, {counts['error']} error; "
        f"{data['flagged']} flagged for review, {len(data['problems'])} with problems; "
        f"wrote {shown}"
    )
    return EXIT_PROBLEMS if data["warnings"] else EXIT_OK


def cmd_formgrader(course, args) -> int:
    import signal

    from autograder.formgrader import FormgraderError, start

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    # Ctrl-C and SIGTERM stop the server cleanly, even where the shell started `course`
    # with SIGINT ignored (a background job).
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    print("course formgrader: starting JupyterLab ...", flush=True)
    try:
        server = start(course, host=args.ip, port=args.port)
    except FormgraderError as error:
        print(f"course formgrader: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    from autograder.workspace import gradebook_exists, shown_url

    if not gradebook_exists(course.gradebook_url):
        print("course formgrader: the gradebook is empty: run `course grade` first")
    print(f"  gradebook:  {shown_url(course.gradebook_url)}")
    print(f"  formgrader: {server.url('formgrader')}")
    print(f"  JupyterLab: {server.url('lab')}")
    print(f"  workspace:  {_shown(course.workspace, course.root)}; server log: "
          f"{_shown(server.log, course.root)}")  # fmt: skip
    print("  Ctrl-C stops it.", flush=True)
    try:
        status = server.process.wait()
    except KeyboardInterrupt:
        server.stop()
        print("\ncourse formgrader: stopped")
        return EXIT_OK
    print(f"course formgrader: JupyterLab exited ({status}); see {server.log}", file=sys.stderr)
    return EXIT_PROBLEMS


def cmd_demo(course, args) -> int:
    from autograder.demo import run_demo

    out = args.out or course.workspace / "demo"
    course_file = None if args.config == DEFAULT_COURSE_FILE else args.config
    return run_demo(course_file, out, jobs=args.jobs, lessons=args.lesson)


def _shown(path: Path | None, root: Path) -> str:
    if path is None:
        return "-"
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
