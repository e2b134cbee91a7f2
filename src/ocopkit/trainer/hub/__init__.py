"""A local multi-user JupyterHub with nbgrader's exchange, for trying the course as a cohort does.

``make hub`` (as root) builds everything on one machine and runs the hub in the
foreground on http://127.0.0.1:8000:

- a course environment readable by every user, ``/opt/ocop-course-kit/env``,
  installed from the repository with the ``hub`` extra (JupyterHub);
- configurable-http-proxy (npm) when it is missing;
- real Linux users, homes of mode 0700: a trainer (``giangvien``) and sample
  participants (``lan``, ``hung``, ``mai``); nbgrader takes the student id from
  the user name, so one shared user cannot work with the exchange;
- the global nbgrader configuration (``/etc/jupyter/nbgrader_config.py``) with
  the course id and the exchange (``/srv/nbgrader/exchange``, mode 777);
- the trainer's course directory (``~giangvien/ocop-2021``): the repository's
  solutions, lessons and ``nbgrader_config.py``, every assignment generated and
  ready to release;
- participants' servers without formgrader, Create Assignment and Course List.

Modules
-------
setup
    Settings, users, the environment, configuration files, the course directory.
config
    Renders ``jupyterhub_config.py``.
run
    Starts the hub in the foreground (``make hub``) or the background (tests) and stops it.

See ``docs/hub.md``.
"""

from .run import Hub
from .setup import HubSettings, prepare

__all__ = ["Hub", "HubSettings", "prepare"]
