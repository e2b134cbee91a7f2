"""environment.yml (hub images) stays in step with pyproject.toml."""

import re
import tomllib

import yaml


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def test_environment_names_the_same_pinned_packages(repo):
    project = tomllib.loads((repo / "pyproject.toml").read_text())["project"]
    pins = project["dependencies"] + project["optional-dependencies"]["test"]
    expected = {normalise(p.split("==")[0]): p.split("==")[1] for p in pins}
    env = yaml.safe_load((repo / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str) and "=" in d and not d.startswith("python=")]
    found = {normalise(d.split("=")[0]): d.split("=")[1] for d in conda}
    assert found == expected


def test_makefile_and_ci_use_the_readme_commands(repo):
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme and "make lab" in readme
    assert "make test" in (repo / ".ci" / "run").read_text()
