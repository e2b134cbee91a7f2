# The participant profile's web font: custom/ beside this file is what Lab serves at /custom/
# (LabApp.custom_css in jupyter_server_config.json): custom.css and the fonts.
# A path relative to this file, so the profile works wherever it is copied (make lab, make hub,
# TLJH's /opt/tljh/user/etc/jupyter/ocop/participant, the Kubernetes image's /srv/repo).
import os
from pathlib import Path

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file

# A plain dict, not .update(): .update() leaves a lazy value that JupyterHub's single-user
# extension cannot read (the spawn then fails with "LazyConfigValue is not iterable").
c.ServerApp.tornado_settings = {"static_custom_path": [str(Path(__file__).resolve().parent / "custom")]}

# Kernels inherit the server's environment: each one runs kernel_startup.py (beginners' hints).
# A participant's own PYTHONSTARTUP, if any, is left alone.
os.environ.setdefault("PYTHONSTARTUP", str(Path(__file__).resolve().parent / "kernel_startup.py"))
