"""The participant profile loads only what participants use, and keeps what the lessons and nbgrader need.

``deploy/participant/`` turns off, for participants only, the server extensions
they never use (formgrader and course list: the trainer's; ``jupyter_lsp``: no
language server is installed) and loads nbgrader's Assignment List and Validate
endpoints on first use (``ocopkit.trainer.lab_profile``), and gives kernels
without debugpy. These tests check that the cut parts stay cut and that what
participants use still answers: a real server started as ``make lab`` starts it.
"""

from __future__ import annotations

import importlib
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ocopkit.trainer import lab_profile

from browser_support import REPO, start_lab


def test_the_profile_turns_off_what_participants_do_not_use():
    extensions = lab_profile.server_extensions()
    assert set(lab_profile.trainer_only_server_extensions()) == {
        "nbgrader.server_extensions.formgrader",
        "nbgrader.server_extensions.course_list",
    }
    for name in lab_profile.UNUSED_SERVER_EXTENSIONS + tuple(lab_profile.ON_FIRST_USE):
        assert extensions[name] is False, name
    # What participants use: the tools' app pages, and nbgrader's endpoints through the profile's extension.
    assert extensions["voila.server_extension"] is True
    assert extensions["ocopkit.trainer.lab_profile"] is True


def test_no_language_server_is_installed_for_jupyter_lsp_to_serve():
    from jupyter_lsp import LanguageServerManager

    manager = LanguageServerManager()
    manager.init_language_servers()  # what jupyter_lsp finds at start, in the course environment and on PATH
    assert not dict(manager.language_servers), "jupyter_lsp has a language server to serve: keep it on"


def test_the_first_use_routes_are_nbgrader_s_own():
    for extension, routes in lab_profile.ON_FIRST_USE.items():
        handlers = importlib.import_module(extension + ".handlers")
        theirs = {pattern: handler.__name__ for pattern, handler in handlers.default_handlers}
        assert dict(routes) == theirs, extension


def get(server, path: str, body: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(
        server.base_url + path,
        data=None if body is None else json.dumps(body).encode(),
        method="GET" if body is None else "POST",
        headers={"Authorization": f"token {server.token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def nbgrader_loaded(server) -> bool:
    """Whether the server process mapped SQLAlchemy's compiled modules: nbgrader imports it."""
    return "sqlalchemy" in Path(f"/proc/{server.process.pid}/maps").read_text()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    lab = start_lab(tmp_path_factory.mktemp("lab"), [REPO / "course" / "08-ocop-criteria.ipynb"])
    yield lab
    lab.stop()


def test_nbgrader_loads_on_first_use_and_answers(server):
    import nbgrader

    for path in ("/lab", "/lab/api/settings", "/api/kernelspecs", "/api/contents?content=1", "/api/sessions"):
        assert get(server, path)[0] == 200, path
    assert not nbgrader_loaded(server), "opening Lab imported nbgrader"
    assert get(server, "/formgrader")[0] == 404
    assert get(server, "/lsp/status")[0] == 404
    status, body = get(server, f"/nbgrader_version?version={nbgrader.__version__}")
    assert (status, json.loads(body)) == (200, {"success": True})
    assert nbgrader_loaded(server)
    status, body = get(server, "/assignments/validate", {"path": "08-ocop-criteria.ipynb"})
    assert status == 200 and json.loads(body)["success"] is True, body
    status, body = get(server, "/courses")
    assert status == 200 and "success" in json.loads(body)  # no exchange here: nbgrader says so itself
    status, _ = get(server, "/assignments?course_id=ocop")
    assert status == 200
    # Still nbgrader's own authentication: without the token a POST is refused.
    request = urllib.request.Request(server.base_url + "/assignments/validate", data=b"{}", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 403


def test_participants_kernels_run_without_debugpy(server):
    from jupyter_client.blocking import BlockingKernelClient

    status, body = get(server, "/api/kernelspecs")
    spec = json.loads(body)["kernelspecs"]["python3"]["spec"]
    assert spec["argv"][1] == "{resource_dir}/launch.py" and spec["metadata"]["debugger"] is False
    assert (lab_profile.PROFILE / "kernels" / "python3" / "launch.py").is_file()
    status, body = get(server, "/api/kernels", {"name": "python3"})
    assert status == 201, body
    kernel = json.loads(body)["id"]
    try:
        connection = next(Path(server.log.parent / "runtime").glob(f"kernel-{kernel}.json"))
        client = BlockingKernelClient(connection_file=str(connection))
        client.load_connection_file()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            # Lab shows its debugger switch only for a kernel that lists the feature.
            info = client.kernel_info(reply=True, timeout=30)["content"]
            assert "debugger" not in info["supported_features"], info
            lines = []
            reply = client.execute_interactive(
                "import sys, os; print(sys.modules.get('debugpy', 'absent'), os.environ['PYTHONSTARTUP'])",
                output_hook=lambda msg: lines.append(msg["content"]["text"]) if msg["msg_type"] == "stream" else None,
                timeout=60,
            )
            assert reply["content"]["status"] == "ok"
            debugpy, startup = lines.pop().split()
            assert debugpy == "None"
            assert startup.endswith("kernel_startup.py")  # the beginners' hints still load
            # The kernel's working folder is on sys.path as with ipykernel_launcher; the spec's folder is not.
            client.execute_interactive(
                "print('' in sys.path, any('kernels/python3' in p for p in sys.path))",
                output_hook=lambda msg: lines.append(msg["content"]["text"]) if msg["msg_type"] == "stream" else None,
                timeout=60,
            )
            assert lines.pop().split() == ["True", "False"]
        finally:
            client.stop_channels()
    finally:
        request = urllib.request.Request(
            server.base_url + f"/api/kernels/{kernel}",
            method="DELETE",
            headers={"Authorization": f"token {server.token}"},
        )
        urllib.request.urlopen(request, timeout=30)
