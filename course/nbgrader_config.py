"""nbgrader's configuration, read from course/course.toml rather than repeated here.

nbgrader finds this file when it runs in course/ (`cd course && nbgrader ...`), and the
`course` command uses the same settings through `autograder.config.nbgrader_config`.
"""

from pathlib import Path

from autograder.config import load_course, nbgrader_config

c = get_config()  # noqa: F821 (nbgrader defines get_config for its config files)
c.merge(nbgrader_config(load_course(Path(__file__).with_name("course.toml"))))
