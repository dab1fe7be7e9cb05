"""course.toml: the one place for lessons and limits; bad input is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.config import CourseConfigError, load_course, nbgrader_config, parse_course

REPO = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).resolve().parents[2] / "course" / "example" / "course" / "course.toml"

MINIMAL = {"course": {"id": "c1", "title": "T", "repository": "https://github.com/o/r"}}


def parse(**tables):
    raw = {**MINIMAL, **tables}
    return parse_course(raw, root=Path("/repo"))


def test_the_repository_course_file_loads():
    course = load_course(REPO / "course" / "course.toml")
    assert course.id == "dlcourse"
    assert course.source == REPO / "source" and course.release == REPO / "release"
    assert course.workspace == REPO / "workspace"
    assert course.gradebook_url == f"sqlite:///{REPO / 'workspace' / 'gradebook.db'}"
    assert course.defaults.cell_timeout == 120 and course.defaults.memory_mb == 4096
    assert (course.defaults.disk_mb, course.defaults.processes, course.defaults.cpus) == (
        512,
        256,
        1.0,
    )


def test_a_lesson_s_second_part_takes_one_letter_after_its_number():
    """05 and 05b: one lower-case letter may follow the two digits of a lesson id."""
    course = parse(lessons=[{"id": "05b_improving", "title": "T", "points": 1}])
    assert [lesson.id for lesson in course.lessons] == ["05b_improving"]


def test_the_fixture_course():
    course = load_course(FIXTURE)
    (lesson,) = course.lessons
    assert (lesson.id, lesson.title, lesson.points) == ("00_fixture", "Squares and means", 5)
    assert lesson.limits.cell_timeout == 20 and lesson.limits.output_mb == 1
    assert lesson.limits.disk_mb == 64 and lesson.limits.processes == 64
    assert lesson.notebook(course.source).is_file()


def test_defaults_and_lesson_overrides():
    course = parse(
        limits={"cell_timeout": 30, "cpus": 2},
        lessons=[
            {
                "id": "01_tensors",
                "title": "Tensors",
                "points": 25,
                "memory_mb": 2048,
                "cpus": 0.5,
                "processes": 64,
                "disk_mb": 100,
            },  # fmt: skip
            {"id": "02_gradient_descent", "title": "GD", "points": 20},
        ],
    )
    first, second = course.lessons
    assert first.limits.cell_timeout == 30 and first.limits.memory_mb == 2048
    assert second.limits.cell_timeout == 30 and second.limits.memory_mb == 4096
    assert (first.limits.cpus, first.limits.processes, first.limits.disk_mb) == (0.5, 64, 100)
    assert (second.limits.cpus, second.limits.processes, second.limits.disk_mb) == (2, 256, 512)
    assert [lesson.id for lesson in course.select(["02_gradient_descent", "01_tensors"])] == [
        "01_tensors",
        "02_gradient_descent",
    ]
    assert course.select(None) == list(course.lessons)


def test_output_per_cell_and_restarts():
    """cell_output_mb and max_restarts, like every limit: defaults, course-wide, per lesson;
    max_restarts = 0 (every crash stops the notebook) is allowed."""
    course = parse(
        limits={"cell_output_mb": 0.5, "max_restarts": 0},
        lessons=[
            {"id": "01_tensors", "title": "T", "points": 1, "cell_output_mb": 2, "max_restarts": 5},
            {"id": "02_gradient_descent", "title": "GD", "points": 1},
        ],
    )
    first, second = course.lessons
    assert (first.limits.cell_output_mb, first.limits.max_restarts) == (2.0, 5)
    assert (second.limits.cell_output_mb, second.limits.max_restarts) == (0.5, 0)
    assert isinstance(first.limits.cell_output_mb, float) and isinstance(
        first.limits.max_restarts, int
    )
    defaults = parse().defaults
    assert (defaults.cell_output_mb, defaults.max_restarts) == (1.0, 3)


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        ({"limits": {"cell_timout": 3}}, r"unknown key\(s\) in \[limits\]: cell_timout"),
        ({"extra": {}}, r"unknown key\(s\) in the top level: extra"),
        ({"limits": {"memory_mb": -1}}, r"\[limits\]\.memory_mb must be positive"),
        ({"limits": {"memory_mb": 1.5}}, r"memory_mb must be a whole number"),
        ({"limits": {"processes": 0}}, r"\[limits\]\.processes must be positive"),
        ({"limits": {"cpus": -1}}, r"\[limits\]\.cpus must be positive"),
        ({"limits": {"disk_mb": "1G"}}, r"disk_mb must be a whole number, not '1G'"),
        ({"limits": {"cell_timeout": "1m"}}, r"cell_timeout must be a number, not '1m'"),
        ({"limits": {"cell_output_mb": 0}}, r"\[limits\]\.cell_output_mb must be positive"),
        ({"limits": {"cell_output_mb": "1M"}}, r"cell_output_mb must be a number, not '1M'"),
        ({"limits": {"max_restarts": -1}}, r"\[limits\]\.max_restarts must be 0 or more"),
        ({"limits": {"max_restarts": 1.5}}, r"max_restarts must be a whole number"),
        ({"limits": {"max_restarts": True}}, r"max_restarts must be a whole number"),
        (
            {"lessons": [{"id": "01_a", "title": "T", "points": 1, "max_restarts": -2}]},
            r"lessons\[0\]\.max_restarts must be 0 or more, not -2",
        ),
        (
            {"lessons": [{"id": "tensors", "title": "T", "points": 1}]},
            "must look like '01_tensors'",
        ),
        (
            {"lessons": [{"id": "05bb_two_letters", "title": "T", "points": 1}]},
            "must look like '01_tensors'",
        ),
        ({"lessons": [{"id": "01_a", "title": "T"}]}, r"lessons\[0\] needs 'points'"),
        ({"lessons": [{"id": "01_a", "title": "T", "points": 0}]}, "points must be positive"),
        ({"lessons": [{"id": "01_a", "title": "T", "points": 1, "pts": 2}]}, "unknown key"),
        (
            {"lessons": [{"id": "01_a", "title": "T", "points": 1}] * 2},
            "lesson ids listed twice: 01_a",
        ),
    ],
)
def test_bad_values_are_clear_errors(tables, message):
    with pytest.raises(CourseConfigError, match=message):
        parse(**tables)


@pytest.mark.parametrize(
    ("course", "message"),
    [
        ({"id": "c", "title": "T"}, "needs 'repository'"),
        ({"id": "c", "title": "T", "repository": "git@github.com:o/r"}, "https URL"),
        ({"id": "a b", "title": "T", "repository": "https://x/y"}, "letters, digits"),
        ({"id": "c", "title": "T", "repository": "https://x/y", "gradebook": "db.sqlite"},
         "SQLAlchemy URL"),
        ({"id": "c", "title": "T", "repository": "https://x/y", "colour": "red"}, "unknown key"),
    ],
)  # fmt: skip
def test_bad_course_settings(course, message):
    with pytest.raises(CourseConfigError, match=message):
        parse_course({"course": course}, root=Path("/repo"))


def test_missing_and_broken_files(tmp_path):
    with pytest.raises(CourseConfigError, match="does not exist"):
        load_course(tmp_path / "course.toml")
    (tmp_path / "course.toml").write_text("[course\nid=")
    with pytest.raises(CourseConfigError, match="not valid TOML"):
        load_course(tmp_path / "course.toml")


def test_unknown_lesson_lists_the_known_ones():
    course = parse(lessons=[{"id": "01_a", "title": "A", "points": 1}])
    with pytest.raises(CourseConfigError, match="unknown lesson '09_z'; course.toml lists: 01_a"):
        course.lesson("09_z")


def test_roster(tmp_path):
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "course.toml").write_text(
        '[course]\nid = "c"\ntitle = "T"\nrepository = "https://x/y"\nroster = "students.csv"\n'
    )
    (tmp_path / "students.csv").write_text("id,name\nAda,Ada L\n# a comment\n\nbob\n")
    assert load_course(tmp_path / "course" / "course.toml").students() == ["ada", "bob"]
    (tmp_path / "students.csv").write_text("ada\nbad id!\n")
    with pytest.raises(CourseConfigError, match="bad student id"):
        load_course(tmp_path / "course" / "course.toml").students()


def test_gradebook_urls():
    relative = parse_course(
        {"course": {**MINIMAL["course"], "gradebook": "sqlite:///ws/g.db"}}, root=Path("/repo")
    )
    assert relative.gradebook_url == "sqlite:////repo/ws/g.db"
    postgres = parse_course(
        {"course": {**MINIMAL["course"], "gradebook": "postgresql+psycopg://h/db"}},
        root=Path("/repo"),
    )
    assert postgres.gradebook_url == "postgresql+psycopg://h/db"


def test_nbgrader_config_points_at_the_course_folders():
    course = load_course(FIXTURE)
    c = nbgrader_config(course)
    assert c.CourseDirectory.root == str(course.workspace)
    assert c.CourseDirectory.source_directory == str(course.source)
    assert c.CourseDirectory.release_directory == str(course.release)
    assert c.CourseDirectory.db_url == course.gradebook_url
    assert "raise NotImplementedError()" in c.ClearSolutions.code_stub["python"]


def test_course_nbgrader_config_file_reads_course_toml():
    """course/nbgrader_config.py builds nbgrader's settings from course.toml, not its own."""
    from traitlets.config import Config

    config = Config()
    path = REPO / "course" / "nbgrader_config.py"
    namespace = {"get_config": lambda: config, "__file__": str(path)}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    assert config.CourseDirectory.course_id == "dlcourse"
    assert config.CourseDirectory.source_directory == str(REPO / "source")
