"""environment.yml (hub images) stays in step with pyproject.toml."""

import re
import tomllib

import yaml


def normalise(name):
    """Compare names as PyPI does, without extras: psycopg[binary] is conda-forge's psycopg."""
    return re.sub(r"[-_.]+", "-", re.sub(r"\[.*\]", "", name)).lower().strip()


def test_environment_names_the_same_pinned_packages(repo):
    project = tomllib.loads((repo / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    pins = project["dependencies"] + extras["test"] + extras["hub"]
    expected = {normalise(p.split("==")[0]): p.split("==")[1] for p in pins}
    env = yaml.safe_load((repo / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str) and "=" in d and not d.startswith("python=")]
    found = {normalise(d.split("=")[0]): d.split("=")[1] for d in conda}
    assert found == expected


def test_makefile_and_ci_use_the_readme_commands(repo):
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme and "make lab" in readme
    assert "make test" in (repo / ".ci" / "run").read_text()


def test_no_install_keeps_jsonschemas_iri_grammar(repo):
    # rfc3987-syntax comes with jupyter-events (jsonschema[format-nongpl]); only jsonschema imports it, to check
    # "iri" strings, and its import builds a grammar: 1 s of CPU and 16 MiB in every Jupyter server and nbgrader
    # process. Every way the kit installs an environment removes it again.
    import importlib.util

    from ocopkit.trainer.hub.settings import NOT_INSTALLED

    assert NOT_INSTALLED == ("rfc3987-syntax",)
    assert importlib.util.find_spec("rfc3987_syntax") is None, "run: make venv (or pip uninstall rfc3987-syntax)"
    for installer in ("Makefile", "postBuild", "deploy/tljh/install_kit.py", "src/ocopkit/trainer/hub/setup.py"):
        text = (repo / installer).read_text(encoding="utf-8")
        assert "uninstall" in text and ("rfc3987-syntax" in text or "NOT_INSTALLED" in text), installer


def test_servers_start_without_the_iri_grammar():
    import subprocess
    import sys

    code = "import sys, jupyter_server.serverapp, nbformat.validator; print('rfc3987_syntax' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "False", done.stderr
