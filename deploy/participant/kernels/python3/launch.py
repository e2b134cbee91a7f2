# The participants' Python kernel: ipykernel as `python -m ipykernel_launcher` starts it, without
# debugpy. ipykernel imports debugpy for Lab's debugger panel whenever it is installed, 7-8 MiB
# in every kernel (docs/performance.md, "Participants per server"); the lessons never use the
# debugger, and a kernel without debugpy does not list "debugger" in its kernel_info
# supported_features, so Lab shows no debugger switch. jupyter_server_config.py beside the profile puts this kernel spec
# ahead of the environment's own "python3" for participants only: the trainer, nbgrader and the
# grader keep theirs.
import sys
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]  # this folder: nothing to import from it (ipykernel_launcher drops its own too)
sys.modules["debugpy"] = None  # `import debugpy` now raises ImportError: ipykernel runs without it

from ipykernel import kernelapp  # noqa: E402

kernelapp.launch_new_instance()
