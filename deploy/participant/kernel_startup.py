# Every participant kernel runs this at start (PYTHONSTARTUP, set by jupyter_server_config.py
# beside it): hints in the participant's language under beginners' errors (ocopkit.friendly) in
# every cell of every notebook, not only in those that import ocopkit.checks. IPython reads no
# Jupyter configuration path, so this is how the one profile reaches the kernels of make lab,
# the hub, TLJH and Kubernetes alike. Python's own error stays as it is: grading is unchanged.
try:
    get_ipython().extension_manager.load_extension("ocopkit.friendly")  # noqa: F821 - IPython's global
except Exception:  # a plain python prompt, or a kernel without the kit: nothing to add
    pass
