"""Root pytest hooks: after a run under nbval, print how long each notebook took.

The lesson format states each lecture's CPU run time (tools/lesson_format.py,
course/run_times.json); this line is CI's first lane's measurement of it.
"""

import collections

_notebook_seconds = collections.defaultdict(float)


def pytest_runtest_logreport(report):
    """Add up the set-up, call and tear-down time of every cell of each notebook."""
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _notebook_seconds[path] += report.duration


def pytest_terminal_summary(terminalreporter):
    if _notebook_seconds:
        terminalreporter.write_sep("-", "notebooks under nbval: seconds each")
        for path, seconds in sorted(_notebook_seconds.items()):
            terminalreporter.write_line(f"{path}: {seconds:.0f} s")
