"""What the zygote imports before forking: every module the assignments import, and nothing that starts a thread."""

from __future__ import annotations

import ast
import asyncio
import importlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from ocopkit.trainer import cohort, sandbox
from ocopkit.trainer.sandbox import warmup

from conftest import require

REPO = Path(__file__).resolve().parents[3]


def assignment_imports() -> set[str]:
    modules = set()
    for path in sorted((REPO / "solutions").glob("*/*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                source = "".join(cell["source"])
                # nbgrader's markers are comments; the rest of a solution cell is Python
                modules |= set(warmup.imported_names(source))
    return modules


def test_the_default_list_holds_every_module_the_assignments_import():
    # What a zygote imports when it is not told its assignment's imports.
    importable = set()
    for name in assignment_imports():
        try:
            importlib.import_module(name)
            importable.add(name)
        except (
            ImportError
        ):  # "from ocopkit import checks, datasets" also names ocopkit.checks... ; a class is no module
            pass
    missing = sorted(importable - set(warmup.PRELOAD) - {"ocopkit", "math", "datetime"})
    assert not missing, f"add to warmup.EXERCISES: {missing}"


def test_imports_are_read_without_running_the_cell():
    source = "import pandas as pd\nfrom ocopkit import checks, datasets\nfrom .x import y\n%matplotlib inline"
    assert warmup.imported_names(source) == []  # a magic: not Python, nothing read
    source = "import pandas as pd\nfrom ocopkit import checks\nfrom .x import y\nif 0:\n    import matplotlib.pyplot"
    assert warmup.imported_names(source) == ["pandas", "ocopkit", "ocopkit.checks", "matplotlib.pyplot"]


def test_only_plain_module_names_pass_and_never_pyplot():
    names = ["pandas", "os; rm -rf /", "../x", "matplotlib.pyplot", "a" * 10, 3, "pandas", "x." * 20 + "y"]
    assert warmup.acceptable(names) == ["pandas", "a" * 10]
    assert len(warmup.acceptable([f"m{i}" for i in range(500)])) == warmup.MAX_MODULES


def test_preloading_starts_no_thread():
    # The zygote refuses to fork after a thread started; run its preload in a fresh interpreter with the
    # sandbox's environment (one BLAS thread), as the zygote runs.
    code = "from ocopkit.trainer.sandbox import zygote; zygote.preload(); print('ok')"
    environment = sandbox.sandbox_environment() | {"PYTHONPATH": str(REPO / "src")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=environment)
    assert done.stdout.strip().endswith("ok"), done.stderr


def kernel_modules(worker, modules: list[str]) -> list[str]:
    """Which of ``modules`` a kernel forked by the worker's answers zygote holds before its first cell."""
    from jupyter_client.manager import AsyncKernelManager
    from traitlets.config import Config

    config = Config()
    cohort.configure_for(worker, cohort.GradeOptions().limits)(config)
    probe = f"import sys; print(sorted(m for m in {modules!r} if m in sys.modules))"

    async def run(folder):
        manager = AsyncKernelManager(kernel_name=sandbox.KERNEL_NAME, config=config)
        await manager.start_kernel(cwd=folder)
        client = manager.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=60)
            msg_id = client.execute(probe)
            while True:
                msg = await client.iopub_channel.get_msg(timeout=60)
                if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
                    return ast.literal_eval(msg["content"]["text"].strip())
        finally:
            client.stop_channels()
            await manager.shutdown_kernel(now=True)

    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o755)
        return asyncio.run(run(folder))


def test_a_worker_told_its_assignment_imports_forks_kernels_holding_just_that():
    require(sandbox.unavailable_reason())
    (worker,) = sandbox.prepare(1)
    try:
        os.environ.update(worker.environment())
        worker.prewarm(["ocopkit.criteria_schemes", "matplotlib.pyplot"])  # pyplot: never before a shell exists
        held = kernel_modules(worker, ["ocopkit.criteria_schemes", "matplotlib", "matplotlib.pyplot", "pandas"])
    finally:
        sandbox.cleanup([worker])
    # criteria_schemes brings pandas; nothing imports matplotlib, and pyplot was refused
    assert held == ["ocopkit.criteria_schemes", "pandas"]
