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
