"""The hub deployments (deploy/): Zero to JupyterHub values, TLJH settings, sizing.

Neither can run here (no Kubernetes, and TLJH installs systemd units), so these tests hold what
can be held without them: the values file passes the chart's own schema, the settings name the
kit's pinned packages and image, every figure agrees with the one measured in deploy/sizing.toml,
and the shared Jupyter settings do what they say when Jupyter's own code reads them.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import math
import os
import re
import subprocess
import sys
import tomllib
import types
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml

from conftest import REPO, require

DEPLOY = REPO / "deploy"
Z2JH = DEPLOY / "z2jh"
TLJH = DEPLOY / "tljh"
SHARED = DEPLOY / "jupyter"
PROFILE = DEPLOY / "participant"  # the participant profile: make lab, make hub, TLJH and the image


def image_repo_dir() -> str:
    """Where build-image.sh puts the repository in the image (repo2docker's --target-repo-dir)."""
    return re.search(r"--target-repo-dir (\S+)", (Z2JH / "build-image.sh").read_text()).group(1)


def chart_file(repo: Path, name: str) -> Path:
    """A file of the Zero to JupyterHub chart, kept in the shared folder beside the repository."""
    path = Path(repo).parent / "shared" / "vendor-data" / "z2jh" / name
    require(None if path.exists() else f"the Zero to JupyterHub chart's {name} is missing at {path}")
    return path


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def helm_merge(defaults: dict, overrides: dict) -> dict:
    """Merge a values file into the chart's defaults as Helm does.

    Maps merge, lists and scalars replace, null deletes.
    """
    merged = copy.deepcopy(defaults)
    for key, value in overrides.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = helm_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


@pytest.fixture(scope="module")
def values() -> dict:
    return load(Z2JH / "values.yaml")


@pytest.fixture(scope="module")
def sizing() -> dict:
    return tomllib.loads((DEPLOY / "sizing.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def trainer(values) -> dict:
    [profile] = [p for p in values["singleuser"]["profileList"] if p["slug"] == "trainer"]
    return profile["kubespawner_override"]


def manifests(path: Path) -> dict[tuple[str, str], dict]:
    return {
        (doc["kind"], doc["metadata"]["name"]): doc
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8"))
        if doc
    }


# --------------------------------------------------------------------------- the chart's schema


def schema_errors(repo, values_doc: dict) -> list[str]:
    import jsonschema  # nbformat's dependency; 4.x: Draft7Validator, the draft the chart's schema names

    schema = load(chart_file(repo, "values.schema.yaml"))
    defaults = load(chart_file(repo, "values.yaml"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    validator = jsonschema.Draft7Validator(schema)
    validator.check_schema(schema)
    errors = validator.iter_errors(helm_merge(defaults, values_doc))
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]


def test_jsonschema_is_the_version_the_test_expects():
    assert int(version("jsonschema").split(".")[0]) >= 4


def test_values_pass_the_charts_own_schema(repo, values):
    assert schema_errors(repo, values) == []


def test_the_schema_check_catches_a_misspelt_setting(repo, values):
    broken = copy.deepcopy(values)
    broken["singleuser"]["memmory"] = {"guarantee": "1G"}
    broken["cull"]["timeout"] = "half an hour"
    errors = schema_errors(repo, broken)
    assert any("memmory" in e for e in errors), errors
    assert any(e.startswith("cull.timeout") for e in errors), errors


# --------------------------------------------------------------------------- the image


def test_the_image_is_built_from_environment_yml(repo, values, trainer):
    script = (Z2JH / "build-image.sh").read_text()
    # repo2docker takes the repository root; nothing there may outrank environment.yml.
    assert re.search(r"repo2docker .*\\\n(.*\\\n)*\s+\.\n", script), "repo2docker must build the repository root"
    for other in (
        "Dockerfile",
        "binder",
        ".binder",
        "default.nix",
        "Project.toml",
        "REQUIRE",
        "install.R",
        "DESCRIPTION",
        "runtime.txt",
    ):
        assert not (repo / other).exists(), f"{other} would make repo2docker ignore environment.yml"
    env = load(repo / "environment.yml")
    assert "pip" in env["dependencies"][-1] and "-e ." in env["dependencies"][-1]["pip"]
    # The home volume hides /home/jovyan: the editable install must live elsewhere.
    target = re.search(r"--target-repo-dir (\S+)", script).group(1)
    assert not target.startswith(values["singleuser"].get("storage", {}).get("homeMountPath", "/home/jovyan"))
    # Names and tags agree with the values file.
    registry = re.search(r"REGISTRY=\$\{REGISTRY:-([^}]+)\}", script).group(1)
    project_version = tomllib.loads((repo / "pyproject.toml").read_text())["project"]["version"]
    image = values["singleuser"]["image"]
    assert image == {"name": f"{registry}/ocop-course-kit", "tag": project_version}
    assert trainer["image"] == f"{registry}/ocop-course-kit-trainer:{project_version}"
    builds = dict(re.findall(r"^build (\S+) (\d+)$", script, re.M))
    assert builds == {"ocop-course-kit": "1000", "ocop-course-kit-trainer": str(trainer["uid"])}
    assert trainer["uid"] != 1000


# --------------------------------------------------------------------------- sizing


def test_memory_guarantee_is_the_measured_figure(values, sizing):
    measured, k8s = sizing["measured"], sizing["kubernetes"]
    active = measured["server_rss_mib"] + max(measured["kernel_rss_mib"].values())
    assert measured["active_participant_mib"] == math.ceil(active)
    # KubeSpawner reads M as MiB (JupyterHub's ByteSpecification).
    assert values["singleuser"]["memory"] == {
        "guarantee": f"{measured['active_participant_mib']}M",
        "limit": k8s["memory_limit"],
    }
    assert values["singleuser"]["cpu"] == {"guarantee": k8s["cpu_guarantee"], "limit": k8s["cpu_limit"]}
    # The limit holds every lesson's kernel open at once.
    limit_mib = int(k8s["memory_limit"].rstrip("G")) * 1024
    assert limit_mib >= measured["server_rss_mib"] + sum(measured["kernel_rss_mib"].values())


def test_per_node_figures_follow_from_the_measurement(values, sizing):
    measured, node = sizing["measured"], sizing["node_8gb_2cores"]
    usable = node["memory_mib"] - node["reserved_mib"]
    assert node["scheduled_by_guarantee"] == usable // measured["active_participant_mib"]
    assert node["active_with_headroom"] == int(usable * (1 - node["headroom"]) // measured["active_participant_mib"])
    assert node["idle_with_headroom"] == int(usable * (1 - node["headroom"]) // measured["idle_participant_mib"])
    assert node["cpu_guarantees_fit"] is (
        node["scheduled_by_guarantee"] * sizing["kubernetes"]["cpu_guarantee"] <= node["cores"]
    )
    assert values["scheduling"]["userPlaceholder"]["replicas"] == node["scheduled_by_guarantee"]


def test_tljh_limits_are_the_sized_ones(sizing):
    settings = load(TLJH / "tljh-config.yaml")
    assert settings["limits"] == {"memory": sizing["tljh"]["memory_limit"], "cpu": sizing["tljh"]["cpu_limit"]}


def test_docs_record_the_same_figures(repo, sizing):
    text = (repo / "docs" / "performance.md").read_text(encoding="utf-8")
    section = text.split("## Participants per server", 1)
    assert len(section) == 2, "docs/performance.md lacks the section 'Participants per server'"
    section = re.split(r"\n## ", section[1], maxsplit=1)[0]
    measured, node = sizing["measured"], sizing["node_8gb_2cores"]
    for figure in (
        f"{measured['active_participant_mib']} MiB",
        f"{measured['idle_participant_mib']} MiB",
        f"{measured['spawn_cpu_seconds']} s",
        f"**{node['active_with_headroom']}**",
        f"**{node['idle_with_headroom']}**",
        f"**{node['scheduled_by_guarantee']}**",
        f"`{sizing['kubernetes']['memory_guarantee']}`",
    ):
        assert figure in section, f"{figure} is not in docs/performance.md's 'Participants per server'"


# --------------------------------------------------------------------------- settings shared by both hubs


def test_values_carry_the_shared_settings_files(values):
    files = values["singleuser"]["extraFiles"]
    assert files["nbgrader-config"]["stringData"] == (SHARED / "nbgrader_config.py").read_text()
    by_path = {f["mountPath"]: f["data"] for f in files.values() if "data" in f}
    for source in (SHARED / "trainer").rglob("*.json"):
        mount = f"/etc/jupyter/ocop/trainer/{source.relative_to(SHARED / 'trainer')}"
        assert by_path.pop(mount) == json.loads(source.read_text()), mount
    # Participants read the profile from the image, not from a second copy in the values.
    assert by_path == {}
    assert values["singleuser"]["extraEnv"]["JUPYTER_CONFIG_PATH"] == f"{image_repo_dir()}/deploy/participant"


def test_every_pod_speaks_vietnamese_and_participants_get_their_settings(values, trainer):
    env = values["singleuser"]["extraEnv"]
    assert env["OCOP_LANG"] == "vi"
    assert env["JUPYTER_CONFIG_PATH"] == f"{image_repo_dir()}/{PROFILE.relative_to(DEPLOY.parent)}"
    assert trainer["environment"]["OCOP_LANG"] == "vi"
    assert trainer["environment"]["JUPYTER_CONFIG_PATH"] == "/etc/jupyter/ocop/trainer"
    assert trainer["environment"]["OCOP_ROLE"] == "trainer"
    # A replaced label list must keep the one that lets the pod reach the hub.
    assert trainer["extra_labels"]["hub.jupyter.org/network-access-hub"] == "true"
    assert "def _ocop_profiles_for" in values["hub"]["extraConfig"]["ocop-profiles"]


@pytest.mark.parametrize("role, formgrader", [("participant", False), ("trainer", True)])
def test_jupyters_own_config_loader_turns_formgrader_off_only_for_participants(tmp_path, monkeypatch, role, formgrader):
    from jupyter_core.paths import jupyter_config_path, jupyter_path
    from jupyter_server.extension.config import ExtensionConfigManager
    from jupyterlab_server.config import get_page_config

    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(PROFILE if role == "participant" else SHARED / role))
    extensions = ExtensionConfigManager(read_config_path=jupyter_config_path()).get_jpserver_extensions()
    assert extensions["nbgrader.server_extensions.formgrader"] is formgrader
    assert extensions["nbgrader.server_extensions.course_list"] is formgrader
    if role == "participant":  # the Assignment List's endpoints load on first use (tests/trainer/test_lab_profile.py)
        assert extensions["nbgrader.server_extensions.assignment_list"] is False
        assert extensions["ocopkit.trainer.lab_profile"] is True
    else:
        assert extensions["nbgrader.server_extensions.assignment_list"] is True
    disabled = set(get_page_config(jupyter_path("labextensions")).get("disabledExtensions") or [])
    nbgrader_off = {
        "@jupyter/nbgrader:formgrader",
        "@jupyter/nbgrader:course-list",
        "@jupyter/nbgrader:create-assignment",
    }
    assert (nbgrader_off <= disabled) is not formgrader


def run_nbgrader_config(env: dict) -> dict:
    from traitlets.config import Config

    namespace = {"c": Config(), "get_config": None}
    namespace["get_config"] = lambda: namespace["c"]
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(env)
        exec(compile((SHARED / "nbgrader_config.py").read_text(), "nbgrader_config.py", "exec"), namespace)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return namespace["c"]


def test_global_nbgrader_config(repo):
    participant = run_nbgrader_config({"JUPYTERHUB_USER": "lan"})
    assert participant.CourseDirectory.student_id == "lan"
    assert participant.Exchange.root == "/srv/nbgrader/exchange"
    assert participant.ExchangeCollect.check_owner is False
    assert "db_url" not in participant.CourseDirectory
    course = re.search(r'course_id = "([^"]+)"', (repo / "nbgrader_config.py").read_text()).group(1)
    assert participant.CourseDirectory.course_id == course
    trainer = run_nbgrader_config(
        {
            "JUPYTERHUB_USER": "giangvien01",
            "OCOP_ROLE": "trainer",
            "OCOP_GRADEBOOK_URL": "postgresql+psycopg://ocop:x@ocop-gradebook/db",
        }
    )
    assert "student_id" not in trainer.CourseDirectory
    assert trainer.CourseDirectory.db_url.startswith("postgresql+psycopg://")
    # The course's own config, loaded after the global one, must not put SQLite back.
    assert 'os.environ.get("OCOP_GRADEBOOK_URL")' in (repo / "nbgrader_config.py").read_text()


# --------------------------------------------------------------------------- Kubernetes objects


def test_the_exchange_volume_is_shared_and_mounted_at_the_exchange_root(repo, values, trainer):
    objects = manifests(Z2JH / "exchange.yaml")
    storage = values["singleuser"]["storage"]
    [volume] = storage["extraVolumes"]
    [mount] = storage["extraVolumeMounts"]
    claim = objects[("PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"])]
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    assert mount == {"name": volume["name"], "mountPath": run_nbgrader_config({}).Exchange.root}
    job = objects[("Job", "ocop-exchange-init")]
    script = job["spec"]["template"]["spec"]["containers"][0]["command"][-1]
    course = run_nbgrader_config({}).CourseDirectory.course_id
    assert "chmod 1777 /exchange" in script
    assert f"chown {trainer['uid']}:100 /exchange/{course}" in script
    assert (
        job["spec"]["template"]["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"] == claim["metadata"]["name"]
    )


def test_the_gradebook_url_names_the_service_and_the_secret(trainer):
    objects = manifests(Z2JH / "gradebook.yaml")
    env = trainer["environment"]
    secret = env["OCOP_GRADEBOOK_PASSWORD"]["valueFrom"]["secretKeyRef"]
    database = objects[("StatefulSet", "ocop-gradebook")]["spec"]["template"]["spec"]["containers"][0]
    db_env = {e["name"]: e.get("value", e.get("valueFrom")) for e in database["env"]}
    assert db_env["POSTGRES_PASSWORD"] == {"secretKeyRef": secret}
    service = objects[("Service", "ocop-gradebook")]
    port = service["spec"]["ports"][0]["port"]
    assert env["OCOP_GRADEBOOK_URL"] == (
        f"postgresql+psycopg://{db_env['POSTGRES_USER']}:$(OCOP_GRADEBOOK_PASSWORD)"
        f"@{service['metadata']['name']}:{port}/{db_env['POSTGRES_DB']}"
    )
    # Only the trainers' pods may reach it, by the label their profile gives them.
    label = {k: v for k, v in trainer["extra_labels"].items() if k.startswith("ocop.vn/")}
    ingress = objects[("NetworkPolicy", "ocop-gradebook-from-trainers")]["spec"]["ingress"][0]
    assert ingress["from"][0]["podSelector"]["matchLabels"] == label
    assert objects[("NetworkPolicy", "ocop-trainers-to-gradebook")]["spec"]["podSelector"]["matchLabels"] == label


def test_roster_values_allow_the_roster_and_the_staff(repo, tmp_path):
    spec = importlib.util.spec_from_file_location("roster_values", Z2JH / "roster_values.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sample = repo / "src" / "ocopkit" / "trainer" / "sample_roster.csv"
    document = yaml.safe_load(module.roster_values(sample))
    users = document["hub"]["config"]["Authenticator"]["allowed_users"]
    assert {"ocop-admin", "giangvien01", "lan"} <= set(users)
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,province,district,organisation_type,email\nLan!,Lan,Hà Nội,,enterprise,\n")
    assert module.main([str(bad)]) == 1


# --------------------------------------------------------------------------- TLJH


def test_tljh_requirements_pin_the_same_packages_as_pyproject(repo):
    pins = tomllib.loads((repo / "pyproject.toml").read_text())["project"]["dependencies"]
    lines = [
        line.strip()
        for line in (TLJH / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    expected = "\n".join(pins)
    assert lines == pins, (
        f"deploy/tljh/requirements.txt must list pyproject.toml's dependencies, "
        f"one a line, after its comment lines:\n{expected}"
    )
    assert all("==" in line for line in lines)


# The parts of TLJH's config file (its tljh-config schema and defaults) these settings may use.
TLJH_KEYS = {
    "users": {"admin", "allowed", "banned", "extra_user_groups"},
    "auth": None,  # passed through to the authenticator class
    "user_environment": {"default_app"},
    "limits": {"memory", "cpu"},
    "https": {"enabled", "letsencrypt", "tls", "address", "port"},
    "services": {"cull"},
}


def test_tljh_settings_parse_and_use_tljh_keys():
    settings = load(TLJH / "tljh-config.yaml")
    assert set(settings) <= set(TLJH_KEYS)
    for section, keys in TLJH_KEYS.items():
        if keys is not None and section in settings:
            assert set(settings[section]) <= keys, section
    assert settings["user_environment"]["default_app"] in ("jupyterlab", "classic")
    assert re.fullmatch(r"\d+[KMGT]", settings["limits"]["memory"])
    assert set(settings["services"]["cull"]) <= {
        "enabled",
        "timeout",
        "every",
        "concurrency",
        "users",
        "max_age",
        "remove_named_servers",
    }
    assert settings["auth"]["type"] == "firstuseauthenticator.FirstUseAuthenticator"
    assert settings["https"]["enabled"] is True and settings["https"]["letsencrypt"]["domains"]


def test_tljh_install_script_dry_run(repo):
    sample = repo / "src" / "ocopkit" / "trainer" / "sample_roster.csv"
    result = subprocess.run(
        [
            sys.executable,
            str(TLJH / "install_kit.py"),
            "--dry-run",
            "--user-python",
            sys.executable,
            "--roster",
            str(sample),
            "--course-owner",
            "giangvien01",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    out = result.stdout
    assert f"-m pip install --requirement {TLJH / 'requirements.txt'}" in out
    assert f"-m pip install --no-deps --force-reinstall {repo}" in out
    assert "install -d -m 1777 /srv/nbgrader/exchange" in out
    assert "install -d -m 0755 -o jupyter-giangvien01 /srv/nbgrader/exchange/ocop-2021" in out
    assert "tljh-config set limits.memory 1G" in out
    assert "tljh-config add-item users.allowed lan" in out
    assert "tljh-config add-item users.extra_user_groups.ocop-trainers giangvien01" in out
    assert "/opt/tljh/user/etc/jupyter/nbgrader_config.py" in out
    for relative in ("labconfig/page_config.json", "jupyter_server_config.py", "custom/custom.css"):
        assert f"{PROFILE.relative_to(repo)}/{relative} /opt/tljh/user/etc/jupyter/ocop/participant/{relative}" in out
    assert "/opt/tljh/user/etc/jupyter/ocop/participant/custom/fonts/jetbrains-mono-vietnamese-400-normal.woff2" in out
    assert out.rstrip().splitlines()[-3:-1] == ["    $ tljh-config reload hub", "    $ tljh-config reload proxy"]


def test_tljh_hub_hook_gives_trainers_and_participants_their_settings(monkeypatch):
    from traitlets.config import Config

    settings = load(TLJH / "tljh-config.yaml")
    tljh = types.ModuleType("tljh")
    configurer = types.ModuleType("tljh.configurer")
    configurer.load_config = lambda: settings
    monkeypatch.setitem(sys.modules, "tljh", tljh)
    monkeypatch.setitem(sys.modules, "tljh.configurer", configurer)
    namespace = {"c": Config()}
    exec(compile((TLJH / "jupyterhub_config.d" / "ocop.py").read_text(), "ocop.py", "exec"), namespace)
    hook = namespace["c"].Spawner.pre_spawn_hook

    def spawn(name):
        spawner = types.SimpleNamespace(user=types.SimpleNamespace(name=name), environment={"PATH": "/x"})
        hook(spawner)
        return spawner.environment

    trainer, participant = spawn("giangvien01"), spawn("lan")
    assert trainer["OCOP_ROLE"] == "trainer" and trainer["JUPYTER_CONFIG_PATH"].endswith("ocop/trainer")
    assert "OCOP_ROLE" not in participant and participant["JUPYTER_CONFIG_PATH"].endswith("ocop/participant")
    assert trainer["OCOP_LANG"] == participant["OCOP_LANG"] == "vi" and participant["PATH"] == "/x"


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("jupyter/trainer", ["frame-ancestors 'self'", "cull_idle_timeout = 3600"]),
        ("participant", ["cull_idle_timeout"]),
    ],
)
def test_jupyter_reads_each_roles_server_settings(role, expected):
    # Jupyter reads only extension switches from jupyter_server_config.d/: a setting there is silently ignored.
    shown = subprocess.run(
        [sys.executable, "-m", "jupyter", "server", "--show-config"],
        env={**os.environ, "JUPYTER_CONFIG_PATH": str(DEPLOY / role)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    for text in expected:
        assert text in shown, (role, text)
