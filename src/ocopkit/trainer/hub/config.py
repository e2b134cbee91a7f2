"""Render the hub's ``jupyterhub_config.py``: a plain file a trainer can read, copy and change.

It holds literal values only, no import of ocopkit: JupyterHub reads it as it
is. ``make hub`` rewrites it on every start (in the hub's state folder,
``/var/lib/ocop-hub``); to change the hub for good, copy it and run
``jupyterhub -f COPY`` (see README, section JupyterHub).
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

from .settings import MARKER, HubSettings, SetupError, server_path

TEMPLATES = Path(__file__).resolve().parent / "templates"  # home.html: the hub's home page with the app links
APPS_FOLDER = "bai-hoc/tools"  # where a participant's app notebooks are, from their home (beside ~/bai-hoc's lessons)

TEMPLATE = '''"""{marker} (make hub): the OCOP Course Kit's local JupyterHub.

Rewritten by every `make hub`. For a real cohort, copy this file, replace the
development login below with real authentication (README, section JupyterHub)
and run: {env_bin}/jupyterhub -f YOUR_COPY
"""

import os

from tornado.web import RedirectHandler

c = get_config()  # noqa: F821

STATE = {state!r}
ENV_BIN = {env_bin!r}
TRAINER = {trainer!r}
PARTICIPANTS = {participants!r}
ROLE_CONFIG = {{"trainer": {trainer_config!r}, "participant": {participant_config!r}}}
NBGRADER_CONFIG_DIR = {nbgrader_config_dir!r}

# Network: the proxy (what browsers reach), the hub's own API and the proxy's
# API all listen on the loopback interface only.
c.JupyterHub.bind_url = {url!r}
c.JupyterHub.hub_bind_url = {hub_url!r}
c.ConfigurableHTTPProxy.api_url = {proxy_api_url!r}
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.pid_file = os.path.join(STATE, "jupyterhub-proxy.pid")
c.JupyterHub.pid_file = os.path.join(STATE, "jupyterhub.pid")
c.JupyterHub.db_url = "sqlite:///" + os.path.join(STATE, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(STATE, "jupyterhub_cookie_secret")

# DEVELOPMENT LOGIN, only on 127.0.0.1: every account below logs in with one
# shared password. Replace it before anyone else can reach the hub.
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = {password!r}
c.Authenticator.allowed_users = {{TRAINER, *PARTICIPANTS}}

# Each account's server runs as its own Linux user: nbgrader takes the
# student id from it, and homes of mode 0700 keep work private.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [os.path.join(ENV_BIN, "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
c.LocalProcessSpawner.env_keep = []
# Restarting the hub (an update, a crash) leaves participants' servers running: a new hub
# finds them from its database and routes to them again; unsaved work and kernels survive.
# `make hub`'s Ctrl-C still stops them (run.Hub.serve ends what the hub leaves).
c.JupyterHub.cleanup_servers = False

# The hub's home page also links each tool's app page (Voilà in the participant's
# own server, no code): templates/home.html, through /hub/user-redirect/.
c.JupyterHub.template_paths = [{templates!r}]
c.JupyterHub.template_vars = {{"ocop_apps_folder": {apps_folder!r}, "ocop_apps": {apps!r}}}
# A lesson links an app page from the server's root (/voila/render/course/tools/...);
# on the hub that lands here (/hub/voila/...) and goes on to the participant's server.
c.JupyterHub.extra_handlers = [
    (r"/voila/render/course/tools/(.*)", RedirectHandler, {{"url": {app_redirect!r}, "permanent": False}}),
]


def jupyter_config_path(spawner):
    """The trainer's server sees formgrader; participants' servers do not."""
    role = "trainer" if spawner.user.name == TRAINER else "participant"
    return os.pathsep.join([ROLE_CONFIG[role], NBGRADER_CONFIG_DIR])


c.Spawner.environment = {{
    "PATH": {path!r},  # nbgrader runs alembic from the course environment
    "LANG": "C.UTF-8",
    "OCOP_LANG": {lang!r},  # language of the kit's widgets and messages
    "JUPYTER_CONFIG_PATH": jupyter_config_path,
}}
'''


def render(settings: HubSettings) -> str:
    """Return the text of ``jupyterhub_config.py`` for these settings.

    Raises
    ------
    SetupError
        When the hub would listen beyond the loopback interface with the
        development login.
    """
    if not ipaddress.ip_address(settings.ip).is_loopback:
        raise SetupError(
            f"Refusing to write a hub on {settings.ip} with the shared development password: it is only for 127.0.0.1."
        )
    return TEMPLATE.format(
        marker=MARKER,
        state=str(settings.state_dir),
        env_bin=str(settings.env_bin),
        trainer=settings.trainer,
        participants=list(settings.participants),
        trainer_config=str(settings.role_config_dir("trainer")),
        participant_config=str(settings.role_config_dir("participant")),
        nbgrader_config_dir=str(settings.nbgrader_config_dir),
        url=settings.url,
        hub_url=f"http://{settings.ip}:{settings.hub_port}",
        proxy_api_url=f"http://{settings.ip}:{settings.proxy_api_port}",
        proxy=settings.proxy,
        password=settings.password,
        path=server_path(settings),
        lang=settings.lang,
        templates=str(TEMPLATES),
        apps_folder=APPS_FOLDER,
        app_redirect=f"/hub/user-redirect/voila/render/{APPS_FOLDER}/{{0}}",
        apps=app_links(settings),
    )


def app_links(settings: HubSettings) -> list[dict[str, str]]:
    """The tools' app pages for the home page: each app notebook's file and title, in lesson order."""
    from ..course import repository_root
    from ..manifest import app_title, lessons

    repo = Path(settings.repo) if settings.repo is not None else repository_root()
    apps = dict.fromkeys(app for lesson in lessons(repo) for app in lesson.apps)
    return [{"file": Path(app).name, "title": app_title(repo, app)} for app in apps]
