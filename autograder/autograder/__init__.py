"""The instructor side of the course: the `course` command on top of nbgrader.

Modules, one concern each:

- ``config``: course/course.toml, validated (lessons, points, limits, settings);
- ``limits``: what one notebook may use (time, memory, output...), per lesson;
- ``workspace``: where everything lives in the workspace, and the results files;
- ``release``: nbgrader generate_assignment, then proofs that the release is right;
- ``collect``: submissions from an LMS zip or a folder into the workspace;
- ``sandbox``: runs one notebook in a bubblewrap sandbox under time, memory and output limits;
- ``integrity``: scans a submission's own cells for tampering;
- ``grade``: nbgrader's autograde split: prepare and score here, execute on Dask workers;
- ``cluster``: the Dask side: the local or remote cluster, the execution task, progress;
- ``feedback``, ``export``, ``report``: what students, spreadsheets and instructors read;
- ``democlass``, ``demo``: a demo class made from a lesson, and the whole pipeline on it;
- ``cli``: the ``course`` command.
"""

__version__ = "0.1.0"
