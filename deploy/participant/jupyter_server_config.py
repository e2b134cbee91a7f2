# The participant profile's web font: custom/ beside this file is what Lab serves at /custom/
# (LabApp.custom_css in jupyter_server_config.json): custom.css and the fonts.
# A path relative to this file, so the profile works wherever it is copied (make lab, make hub,
# TLJH's /opt/tljh/user/etc/jupyter/ocop/participant, the Kubernetes image's /srv/repo).
import os
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager
from traitlets import default

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file

# A plain dict, not .update(): .update() leaves a lazy value that JupyterHub's single-user
# extension cannot read (the spawn then fails with "LazyConfigValue is not iterable").
c.ServerApp.tornado_settings = {"static_custom_path": [str(Path(__file__).resolve().parent / "custom")]}

# Kernels inherit the server's environment: each one runs kernel_startup.py (beginners' hints).
# A participant's own PYTHONSTARTUP, if any, is left alone.
os.environ.setdefault("PYTHONSTARTUP", str(Path(__file__).resolve().parent / "kernel_startup.py"))


# The participants' kernel spec, kernels/python3 beside this file: the same "python3" kernel without
# debugpy (Lab's debugger panel), 7-8 MiB less per kernel (kernels/python3/launch.py). Searched
# first, so notebooks keep their "python3" and get it; other kernels are found where they were.
# (KernelSpecManager.kernel_dirs is not a configurable trait: hence the subclass.)
class ParticipantKernelSpecManager(KernelSpecManager):
    @default("kernel_dirs")
    def _participant_kernel_dirs(self):
        ours = str(Path(__file__).resolve().parent / "kernels")
        return [ours] + [d for d in super()._kernel_dirs_default() if d != ours]


c.ServerApp.kernel_spec_manager_class = ParticipantKernelSpecManager
