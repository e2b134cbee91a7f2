"""deploy/z2jh/grading-job.yaml: several pods grade one cohort with ``ocop grade --shared``.

No cluster here: the test holds what the file must agree on with the rest of
the deployment (the trainer image, the gradebook's secret and network policy,
the shared volume) and that the pods run the kit's command as the sandbox needs.
"""

from __future__ import annotations

import re
import subprocess

import pytest
import yaml

from conftest import REPO

Z2JH = REPO / "deploy" / "z2jh"


def manifests(name: str) -> dict[tuple[str, str], dict]:
    documents = yaml.safe_load_all((Z2JH / name).read_text(encoding="utf-8"))
    return {(doc["kind"], doc["metadata"]["name"]): doc for doc in documents if doc}


@pytest.fixture(scope="module")
def job() -> dict:
    return manifests("grading-job.yaml")[("Job", "ocop-grade")]


@pytest.fixture(scope="module")
def trainer() -> dict:
    values = yaml.safe_load((Z2JH / "values.yaml").read_text(encoding="utf-8"))
    [profile] = [p for p in values["singleuser"]["profileList"] if p["slug"] == "trainer"]
    return profile["kubespawner_override"]


def container(job: dict) -> dict:
    [only] = job["spec"]["template"]["spec"]["containers"]
    return only


def test_the_job_is_indexed_and_parallel(job):
    spec = job["spec"]
    assert spec["completionMode"] == "Indexed"
    assert spec["parallelism"] == spec["completions"] > 1
    assert spec["template"]["spec"]["restartPolicy"] == "Never"  # a dead pod is replaced, not restarted in place


def test_the_job_runs_the_trainer_image_with_the_gradebook(job, trainer):
    grade = container(job)
    assert grade["image"] == trainer["image"]
    env = {e["name"]: e.get("value", e.get("valueFrom")) for e in grade["env"]}
    profile = trainer["environment"]
    assert env["OCOP_GRADEBOOK_PASSWORD"] == profile["OCOP_GRADEBOOK_PASSWORD"]["valueFrom"]
    assert env["OCOP_GRADEBOOK_URL"] == profile["OCOP_GRADEBOOK_URL"]
    # The gradebook's network policy admits it by the trainers' label.
    policy = manifests("gradebook.yaml")[("NetworkPolicy", "ocop-gradebook-from-trainers")]
    allowed = policy["spec"]["ingress"][0]["from"][0]["podSelector"]["matchLabels"]
    assert allowed.items() <= job["spec"]["template"]["metadata"]["labels"].items()


def test_the_job_shares_submitted_on_a_read_write_many_volume(job):
    grade = container(job)
    [volume] = job["spec"]["template"]["spec"]["volumes"]
    claim = manifests("grading-job.yaml")[("PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"])]
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    [mount] = [m for m in grade["volumeMounts"] if m["name"] == volume["name"]]
    script = grade["command"][-1]
    submitted = re.search(r'submitted_directory = "([^"]+)"', script).group(1)
    assert submitted.startswith(mount["mountPath"] + "/")


def test_the_job_grades_shared_in_the_sandbox(job):
    grade = container(job)
    script = grade["command"][-1]
    assert re.search(r"^exec ocop grade \S+ --shared\b", script, re.M)
    assert "--unsafe" not in script
    subprocess.run(["bash", "-n", "-c", script], check=True)
    context = grade["securityContext"]
    assert context["runAsUser"] == 0  # useradd, setpriv: the sandbox refuses to run otherwise
    assert {"SETUID", "SETGID", "SYS_ADMIN"} <= set(context["capabilities"]["add"])
    assert context["capabilities"]["drop"] == ["ALL"]
    assert context["seccompProfile"]["type"] == "Unconfined"  # bubblewrap's namespaces
    assert context.get("privileged") is not True


def test_the_image_gets_bubblewrap():
    # repo2docker installs apt.txt's packages: without bwrap the Job's ocop grade refuses to grade (exit 3).
    packages = [line.strip() for line in (REPO / "apt.txt").read_text().splitlines()]
    assert "bubblewrap" in packages
