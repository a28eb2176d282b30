"""`make course` starts JupyterLab, as root (a classroom container) and as a normal user.

JupyterLab comes with RISE, which presents a lecture as slides: checked enabled too.

Each test starts the real server headless through the Makefile, requests `/lab`, and opens a
course `.py` through the contents API, where Jupytext must hand it back as a notebook with the
cells of its paired `.ipynb`. Runs in the TensorFlow lane of `make test` only (the server is
the same in the JAX and Colab lanes).
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
# A normal user (uid 65534). It may read and search any folder, so that it can run the course's
# .venv when the interpreter behind it lives in root's home (pyenv, as on CI); it stays uid 65534,
# which is all that JupyterLab's "running as root" check looks at.
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
          "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"]
COURSE_FILE = "01_lenet_history.py"  # `jupyter lab course/` serves course/ as its root

pytestmark = pytest.mark.skipif(
    os.environ.get("KERAS_BACKEND", "tensorflow") != "tensorflow"
    or Path(sys.prefix).resolve() != (ROOT / ".venv").resolve() or shutil.which("make") is None,
    reason="runs once, in make test's TensorFlow lane, with the course's .venv")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


def start_course(prefix, home, port, token):
    """`make course` with JupyterLab headless on ``port``; returns the process (its own group)."""
    arguments = f"--no-browser --port={port} --ServerApp.port_retries=0 --IdentityProvider.token={token}"
    environment = {**os.environ, "HOME": str(home), "JUPYTER_RUNTIME_DIR": str(Path(home) / "runtime"),
                   "JUPYTER_ARGS": arguments}
    environment.pop("MAKEFLAGS", None)
    environment.pop("MAKELEVEL", None)
    return subprocess.Popen([*prefix, "make", "--no-print-directory", "course"], cwd=ROOT, env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)


def wait_for_lab(process, port, token, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"make course exited {process.returncode}:\n{process.stdout.read().decode()[-3000:]}")
        try:
            return get(f"http://127.0.0.1:{port}/lab", token)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise AssertionError(f"JupyterLab did not answer on port {port} within {seconds} s")


def stop(process):
    """End the server and make, their whole process group."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=20)
            break
        except subprocess.TimeoutExpired:
            continue
    process.wait()


def check_course(prefix):
    home = Path(tempfile.mkdtemp(prefix="course-home-"))
    home.chmod(0o777)  # the normal user writes its Jupyter settings and runtime files here
    port, token = free_port(), "course-test-token"
    process = start_course(prefix, home, port, token)
    try:
        status, page = wait_for_lab(process, port, token)
        assert status == 200 and b"JupyterLab" in page
        # RISE (jupyterlab-rise) presents a lecture as slides: installed and enabled in the page's
        # configuration, with its settings from tools/jupyterlab-overrides.json, and its slideshow
        # page answering for a lecture
        config = json.loads(re.search(rb'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                      page, re.DOTALL).group(1))
        extensions = {extension["name"] for extension in config.get("federated_extensions", [])}
        assert "jupyterlab-rise" in extensions, sorted(extensions)
        assert not any(name.startswith("jupyterlab-rise") for name in config.get("disabledExtensions", [])), config
        status, _ = get(f"http://127.0.0.1:{port}/rise/{COURSE_FILE.replace('.py', '.ipynb')}", token)
        assert status == 200
        status, body = get(f"http://127.0.0.1:{port}/lab/api/settings/jupyterlab-rise:plugin", token)
        defaults = json.loads(body)["schema"]["properties"]  # JupyterLab applies overrides.json to the defaults
        assert defaults["scroll"]["default"] is True and defaults["theme"]["default"] == "white", defaults["scroll"]
        status, body = get(f"http://127.0.0.1:{port}/api/contents/{COURSE_FILE}?type=notebook&content=1", token)
        model = json.loads(body)
        paired = nbformat.read(ROOT / "course" / COURSE_FILE.replace(".py", ".ipynb"), as_version=4)
        assert model["type"] == "notebook", model["type"]
        assert len(model["content"]["cells"]) == len(paired.cells)
        assert model["content"]["cells"][0]["source"] == paired.cells[0].source
    finally:
        stop(process)
        shutil.rmtree(home, ignore_errors=True)


def test_make_course_passes_allow_root_only_to_root():
    as_root = subprocess.run(["make", "-n", "course"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert ("--allow-root" in as_root.stdout) == (os.getuid() == 0)
    if os.getuid() == 0 and shutil.which("setpriv"):
        as_nobody = subprocess.run([*NOBODY, "make", "-n", "course"], cwd=ROOT, capture_output=True, text=True)
        assert as_nobody.returncode == 0 and "--allow-root" not in as_nobody.stdout, as_nobody.stderr


def test_make_course_serves_the_course_as_root():
    if os.getuid() != 0:
        pytest.skip("not root here")
    check_course([])


def test_make_course_serves_the_course_as_a_normal_user():
    if os.getuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("setpriv (util-linux) is missing")
        user = subprocess.run([*NOBODY, ".venv/bin/python", "-c", "import os; print(os.geteuid())"], cwd=ROOT,
                              capture_output=True, text=True)
        assert user.stdout.strip() == "65534", user.stderr
        check_course(NOBODY)
    else:
        check_course([])
