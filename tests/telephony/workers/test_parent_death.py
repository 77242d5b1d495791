"""A worker started by a server dies with it, by either of two means, each tested alone: the
kernel's parent-death signal (Linux) and the parent-pid watchdog (everywhere), even when its
graceful shutdown never ends (its event loop stuck, SIGTERM without effect): then the watchdog
ends the process after its grace, the stacks of its threads in its output. A middle process
stands for the server: it starts the 'worker' and is then killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .conftest import process_alive, wait_until

WORKER = {
    # the kernel's signal only (no watchdog)
    "pdeathsig": """
        import os, sys, time
        from server.telephony.workers.supervision import die_with_parent
        die_with_parent(int(sys.argv[1]))
        open(sys.argv[2], "w").write(str(os.getpid()))
        time.sleep(3600)
    """,
    # the watchdog only (no kernel signal): it sends itself SIGTERM when reparented
    "watchdog": """
        import os, sys, time
        from server.telephony.workers.supervision import ParentWatch
        ParentWatch(int(sys.argv[1]), every_s=0.1).start()
        open(sys.argv[2], "w").write(str(os.getpid()))
        time.sleep(3600)  # not reached: SIGTERM ends it
    """,
    # a shutdown that never ends: SIGTERM handled by doing nothing, the event loop blocked
    "stuck": """
        import asyncio, os, signal, sys, time
        from server.telephony.workers.supervision import ParentWatch
        signal.signal(signal.SIGTERM, lambda *_: None)
        async def stuck():
            ParentWatch(int(sys.argv[1]), every_s=0.1, grace_s=1.0).start()
            open(sys.argv[2], "w").write(str(os.getpid()))
            time.sleep(3600)  # the loop never gets back control
        asyncio.run(stuck())
    """,
}
SERVER = """
    import os, subprocess, sys, time
    subprocess.Popen([sys.executable, "-c", sys.argv[1], str(os.getpid()), sys.argv[2]])
    time.sleep(3600)
"""


@pytest.mark.parametrize("means", sorted(WORKER))
def test_the_worker_dies_when_its_server_is_killed(means: str, tmp_path: Path) -> None:
    pid_file = tmp_path / "worker.pid"
    output = tmp_path / "output.txt"
    with output.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(SERVER), textwrap.dedent(WORKER[means])]
            + [str(pid_file)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until(lambda: pid_file.exists() and pid_file.read_text(), "the worker to start")
        worker = int(pid_file.read_text())
        assert process_alive(worker)
        server.kill()
        server.wait(30)
        wait_until(lambda: not process_alive(worker), f"the worker ({means}) to die", 60)
        if means == "stuck":  # what it was doing when it was ended is in its output
            said = output.read_text()
            assert "still running" in said, said
            assert "in stuck" in said, said  # the main thread's stack
    finally:
        if server.poll() is None:
            server.kill()
        if pid_file.exists() and pid_file.read_text() and process_alive(int(pid_file.read_text())):
            os.kill(int(pid_file.read_text()), signal.SIGKILL)  # the test failed: clean up
