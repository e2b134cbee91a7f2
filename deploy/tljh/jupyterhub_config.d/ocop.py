"""OCOP Course Kit settings for TLJH's hub that tljh-config does not cover.

Installed by deploy/tljh/install_kit.py as /opt/tljh/config/jupyterhub_config.d/ocop.py; the hub
loads it after TLJH's own settings (apply with `sudo tljh-config reload hub`).
"""

import os

from tljh.configurer import load_config

USER_ENV = os.environ.get("OCOP_TLJH_USER_ENV", "/opt/tljh/user")
PARTICIPANT_SETTINGS = os.path.join(USER_ENV, "etc", "jupyter", "ocop", "participant")
TRAINER_SETTINGS = os.path.join(USER_ENV, "etc", "jupyter", "ocop", "trainer")
TRAINERS_GROUP = "ocop-trainers"


def ocop_trainers():
    """Hub names of the trainers, read from TLJH's config at each spawn (no restart needed)."""
    groups = load_config()["users"].get("extra_user_groups") or {}
    return set(groups.get(TRAINERS_GROUP) or [])


def ocop_pre_spawn_hook(spawner):
    """Participants get their settings (formgrader off, idle kernels culled); trainers theirs."""
    environment = dict(spawner.environment)
    environment["OCOP_LANG"] = "vi"
    if spawner.user.name in ocop_trainers():
        environment["OCOP_ROLE"] = "trainer"
        environment["JUPYTER_CONFIG_PATH"] = TRAINER_SETTINGS
    else:
        environment.pop("OCOP_ROLE", None)
        environment["JUPYTER_CONFIG_PATH"] = PARTICIPANT_SETTINGS
    spawner.environment = environment


c.Spawner.pre_spawn_hook = ocop_pre_spawn_hook  # noqa: F821 - c is JupyterHub's config
# Each participant gets a private /tmp and no access to devices.
c.SystemdSpawner.isolate_tmp = True  # noqa: F821
c.SystemdSpawner.isolate_devices = True  # noqa: F821
