"""Forked kernels against submissions that try to leave something behind for the next participant.

With zygotes (``sandbox/zygote.py``), one worker's kernels are all forked from
the same two processes. One worker grades, in this order, a submission that
changes every kind of state a kernel holds or can leave behind (modules,
IPython hooks, matplotlib, random seeds, environment, SysV IPC, abstract
sockets, a daemon, the zygote itself), then probes that look for each of
them. Every probe must find nothing and keep the clean score. Real nbgrader,
real kernels, real bubblewrap, as root.
"""

from __future__ import annotations

import pytest

from ocopkit.trainer import cohort, sandbox
from ocopkit.trainer.course import make_working_course
from trainer.sandbox.test_sandbox_isolation import answer_output, generate, write_submission

import hostile_submissions as hostile
from conftest import REPO, require

SHM_KEY = 0x0C0B2021

LEAVE_STATE = """
import builtins, os, random, sys, types
import matplotlib, numpy, pandas
import ocopkit.checks
pandas.read_csv = lambda *args, **kwargs: 'EVIL'
ocopkit.checks.EVIL = True
builtins.EVIL = True
sys.modules['evil_module'] = types.ModuleType('evil_module')
os.environ['OCOP_EVIL'] = '1'
random.seed(42)
numpy.random.seed(42)
matplotlib.rcParams['lines.linewidth'] = 99
def evil_hook(*args):
    pass
get_ipython().events.register('post_run_cell', evil_hook)
get_ipython().input_transformers_post.append(lambda lines: lines)
"""

LEAVE_IPC = f"""
import ctypes, os, signal, socket, time
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
segment = libc.shmget({SHM_KEY}, 4096, 0o1000 | 0o666)  # IPC_CREAT
address = libc.shmat(segment, None, 0)
ctypes.memmove(address, b'LEFT-BY-A', 9)
queue = libc.msgget({SHM_KEY}, 0o1000 | 0o666)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        for each in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(each, signal.SIG_IGN)
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(b'\\0ocop-evil')
        listener.listen()
        open('/proc/self/comm', 'w').write('ocop-evil-daemon')
        while True:
            time.sleep(0.05)
    os._exit(0)
time.sleep(0.3)
print('IPC', segment, queue)
"""

ATTACK_ZYGOTE = """
import ctypes, os, signal
zygote = os.getppid()
libc = ctypes.CDLL(None, use_errno=True)
for name in ('environ', 'mem', 'fd', 'maps'):
    path = f'/proc/{zygote}/{name}'
    try:
        (os.listdir(path) if name == 'fd' else open(path, 'rb').read(64))
        print('READ', name)
    except OSError as error:
        print('refused', name, error.errno)
print('PTRACE', libc.ptrace(16, zygote, None, None), ctypes.get_errno())  # PTRACE_ATTACH
pythons = [pid for pid in os.listdir('/proc') if pid.isdigit()
           and b'python' in open(f'/proc/{pid}/cmdline', 'rb').read()]
print('VISIBLE', len(pythons))
os.kill(zygote, signal.SIGKILL)  # the zygote is its sandbox's init: Linux drops this
print('ZYGOTE', os.path.exists(f'/proc/{zygote}'))
"""

PROBE = f"""
import builtins, ctypes, io, os, random, socket, sys
import matplotlib, numpy, pandas
import ocopkit.checks
left = []
if not isinstance(pandas.read_csv(io.StringIO('a\\n1\\n')), pandas.DataFrame): left.append('pandas')
if hasattr(ocopkit.checks, 'EVIL') or hasattr(builtins, 'EVIL'): left.append('module-attribute')
if 'evil_module' in sys.modules: left.append('sys.modules')
if 'OCOP_EVIL' in os.environ: left.append('environment')
if random.random() == random.Random(42).random(): left.append('random-seed')
drawn = numpy.random.random_sample()
if drawn == numpy.random.RandomState(42).random_sample(): left.append('numpy-seed')
if matplotlib.rcParams['lines.linewidth'] == 99: left.append('matplotlib')
hooks = [getattr(f, '__name__', '') for f in get_ipython().events.callbacks['post_run_cell']]
if 'evil_hook' in hooks: left.append('ipython-hook')
if len(get_ipython().input_transformers_post) > 0: left.append('input-transformer')
libc = ctypes.CDLL(None, use_errno=True)
if libc.shmget({SHM_KEY}, 0, 0) != -1: left.append('shared-memory')
if libc.msgget({SHM_KEY}, 0) != -1: left.append('message-queue')
try:
    socket.socket(socket.AF_UNIX).connect(b'\\0ocop-evil'); left.append('abstract-socket')
except OSError:
    pass
for pid in [p for p in os.listdir('/proc') if p.isdigit()]:
    try:
        if open(f'/proc/{{pid}}/comm').read().strip() == 'ocop-evil-daemon': left.append('daemon')
    except OSError:
        pass
print('LEFT', left)
print('DRAWN', drawn)
"""

SUBMISSIONS = {
    "a1-leave-state": LEAVE_STATE,
    "a2-probe": PROBE,
    "b1-leave-ipc": LEAVE_IPC,
    "b2-probe": PROBE,
    "c1-attack-zygote": ATTACK_ZYGOTE,
    "c2-probe": PROBE,
    "d1-probe": PROBE,
}
PROBES = [name for name, code in SUBMISSIONS.items() if code is PROBE]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade every submission in name order with one worker, kernels forked from its zygotes."""
    require(sandbox.unavailable_reason())
    course = make_working_course(tmp_path_factory.mktemp("zygote") / "course", REPO)
    generate(course)
    for participant, code in SUBMISSIONS.items():
        write_submission(course, participant, code)
    options = cohort.GradeOptions(workers=1, deadline=120, retries=0, fork_kernels=True)
    outcomes = cohort.grade_cohort(course, "topic08", options)
    return {"course": course, "outcomes": {o.participant_id: o for o in outcomes}}


def printed_value(graded, participant: str, word: str) -> str:
    line = next(line for line in answer_output(graded["course"], participant).splitlines() if line.startswith(word))
    return line.split(" ", 1)[1]


@pytest.mark.parametrize("probe", PROBES)
def test_the_next_participant_keeps_the_clean_score(graded, probe):
    outcome = graded["outcomes"][probe]
    assert (outcome.status, outcome.score) == ("graded", hostile.FULL_SCORE), outcome


@pytest.mark.parametrize("attacker", sorted(set(SUBMISSIONS) - set(PROBES)))
def test_the_attackers_are_graded_not_failed(graded, attacker):
    # Replacing pandas.read_csv costs the attacker its own later parts: only its own kernel saw it.
    assert graded["outcomes"][attacker].status == "graded", graded["outcomes"][attacker]


@pytest.mark.parametrize("probe", PROBES)
def test_the_next_participant_finds_nothing_left(graded, probe):
    assert printed_value(graded, probe, "LEFT") == "[]"


def test_every_kernel_draws_its_own_random_numbers(graded):
    drawn = [printed_value(graded, probe, "DRAWN") for probe in PROBES]
    assert len(set(drawn)) == len(drawn), drawn


def test_the_attack_on_the_zygote_was_held(graded):
    printed = answer_output(graded["course"], "c1-attack-zygote")
    for name in ("environ", "mem", "fd"):
        assert f"refused {name}" in printed, printed
    assert printed_value(graded, "c1-attack-zygote", "PTRACE").split()[0] == "-1", printed
    # The answers zygote and this kernel: the tests kernel lives in another zygote's sandbox.
    assert printed_value(graded, "c1-attack-zygote", "VISIBLE") == "2", printed
    assert printed_value(graded, "c1-attack-zygote", "ZYGOTE") == "True", printed  # SIGKILL did not reach it


def test_the_leftover_ipc_was_really_made(graded):
    segment, queue = printed_value(graded, "b1-leave-ipc", "IPC").split()
    assert int(segment) >= 0 and int(queue) >= 0


def test_no_process_of_a_sandbox_user_is_left(graded):
    from trainer.sandbox.test_sandbox_isolation import sandbox_uids

    for uid in sandbox_uids():
        assert sandbox.user_processes(uid) == [], uid
