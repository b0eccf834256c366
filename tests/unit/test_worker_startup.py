"""SIGTERM while a stream service is still building its stage is an orderly exit."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

STARTING = """
import time
from libs.worker import exit_quietly_until_started
{call}
print("ready", flush=True)
time.sleep(30)  # stands in for training a model before the worker starts
"""


def _terminate_while_starting(call: str) -> int:
    proc = subprocess.Popen(
        [sys.executable, "-c", STARTING.format(call=call)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(timeout=10)
    assert time.monotonic() - started < 5
    return code


def test_sigterm_during_start_up_exits_with_status_0() -> None:
    assert _terminate_while_starting("exit_quietly_until_started()") == 0


def test_without_it_sigterm_kills_the_process() -> None:
    assert _terminate_while_starting("") == -signal.SIGTERM
