"""Real souk processes for tests: `souk worker`, `souk serve`, `souk chat` as subprocesses.

Each runs in a session of its own, so that stopping it also stops what it forked (RQ's
scheduler runs in a child process of the worker). Output goes to a file, shown when a
test fails.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path


class SoukProcess:
    """One `python -m bot ...` process."""

    def __init__(self, args: list[str], env: Mapping[str, str], log: Path,
                 cwd: Path | None = None) -> None:
        self.args = args
        self.log = log
        self._out = log.open("wb")
        full_env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", *args], env=full_env, stdin=subprocess.DEVNULL,
            stdout=self._out, stderr=subprocess.STDOUT, start_new_session=True, cwd=cwd,
        )

    @property
    def output(self) -> str:
        self._out.flush()
        return self.log.read_text(errors="replace")

    def wait_for_output(self, text: str, timeout: float = 20.0) -> None:
        """Block until `text` appears in the process's output."""
        deadline = time.monotonic() + timeout
        while text not in self.output:
            if self.proc.poll() is not None:
                raise AssertionError(f"souk {self.args} exited {self.proc.returncode} before "
                                     f"saying {text!r}:\n{self.output}")
            if time.monotonic() > deadline:
                raise AssertionError(f"souk {self.args} did not say {text!r} in {timeout}s:\n"
                                     f"{self.output}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL the process and everything it forked, as the kernel's OOM killer would."""
        self._signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM, then SIGKILL if it lingers; the exit code."""
        if self.proc.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.proc.wait(10)
        # Children (RQ's scheduler) may outlive a parent that exited on its own.
        self._signal(signal.SIGKILL)
        self._out.close()
        return int(self.proc.returncode)

    def _signal(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)  # the process group this Popen created


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `check` every 50 ms until it is true; AssertionError naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)
