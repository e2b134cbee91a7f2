# Global nbgrader settings for every single-user server on the hub (TLJH and Kubernetes).
# Installed as the environment's etc/jupyter/nbgrader_config.py (TLJH) or mounted at
# /etc/jupyter/nbgrader_config.py (Zero to JupyterHub, singleuser.extraFiles). The course's own
# nbgrader_config.py (the kit's repository root, where trainers work) is loaded after this one.
import os

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file

c.CourseDirectory.course_id = "ocop-2021"
# One exchange per hub: a directory on the server (TLJH) or a ReadWriteMany volume mounted
# in every pod (Kubernetes). Mode 1777, course folder owned by the trainer: see deploy/README.md.
c.Exchange.root = os.environ.get("OCOP_EXCHANGE_ROOT", "/srv/nbgrader/exchange")

if os.environ.get("OCOP_ROLE") != "trainer":
    # Participants submit under their hub name, which is their roster id. nbgrader would
    # otherwise use the Linux user: "jupyter-<id>" on TLJH ("jovyan" maps to the hub name
    # on Kubernetes already). A trainer leaves it at "*", which means "every participant".
    hub_user = os.environ.get("JUPYTERHUB_USER")
    if hub_user:
        c.CourseDirectory.student_id = hub_user

# Trainers on Kubernetes get the PostgreSQL gradebook's URL from a Kubernetes secret
# (deploy/z2jh/values.yaml, trainer profile).
if os.environ.get("OCOP_GRADEBOOK_URL"):
    c.CourseDirectory.db_url = os.environ["OCOP_GRADEBOOK_URL"]

# nbgrader compares a submission's owner with the id it claims. On Kubernetes every
# participant's pod is uid 1000 and on TLJH the owner is "jupyter-<id>", so the check
# would warn about every submission; deploy/README.md says how trainers check owners.
c.ExchangeCollect.check_owner = False
