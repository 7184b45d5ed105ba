"""Run coroutines from synchronous code on one background event loop per process.

Flask request threads and RQ jobs are synchronous; python-telegram-bot is asyncio.
Starting a loop per call would be slow and would break PTB, whose httpx client stays
bound to the loop it first ran on. So every thread of a process hands its coroutines
to a single daemon thread that runs one loop forever:

    message = aio.run(bot.send_message(42, "hi"), timeout=15)

The loop starts on first use. A child process after `os.fork()` (gunicorn, RQ's
forking worker) inherits the parent's memory but not its threads, so it notices the
new pid and starts a loop of its own.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["loop", "run", "stop"]

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_thread: threading.Thread | None = None
_pid: int | None = None
# Loops inherited from a parent process: kept referenced so the garbage collector
# never tries to close them in the child, where their thread does not exist.
_inherited: list[asyncio.AbstractEventLoop] = []


def _forget_parent_loop() -> None:
    """Drop the parent's loop in a freshly forked child; the lock may have been held."""
    global _lock, _loop, _thread, _pid
    if _loop is not None:
        _inherited.append(_loop)
    _lock = threading.Lock()
    _loop, _thread, _pid = None, None, None


if hasattr(os, "register_at_fork"):  # POSIX only; the pid check below covers the rest
    os.register_at_fork(after_in_child=_forget_parent_loop)


def _serve(target: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
    asyncio.set_event_loop(target)
    target.call_soon(ready.set)
    target.run_forever()


def loop() -> asyncio.AbstractEventLoop:
    """Return this process's background event loop, starting its thread if needed."""
    global _loop, _thread, _pid
    with _lock:
        alive = _thread is not None and _thread.is_alive()
        if _loop is None or _pid != os.getpid() or not alive:
            if _loop is not None and _pid != os.getpid():
                _inherited.append(_loop)
            new_loop = asyncio.new_event_loop()
            ready = threading.Event()
            thread = threading.Thread(
                target=_serve, args=(new_loop, ready), name="souk-aio", daemon=True
            )
            thread.start()
            ready.wait()
            _loop, _thread, _pid = new_loop, thread, os.getpid()
        return _loop


def run(coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
    """Run `coro` on the background loop and return its result, blocking this thread.

    Raises what the coroutine raises, or TimeoutError after `timeout` seconds, in
    which case the coroutine is cancelled. Calling it from the loop's own thread
    would deadlock, so that raises RuntimeError.
    """
    target = loop()
    if threading.current_thread() is _thread:
        coro.close()
        raise RuntimeError("aio.run() called from the event loop thread; await instead")
    future = asyncio.run_coroutine_threadsafe(coro, target)
    try:
        return future.result(timeout)
    except BaseException:
        # On a timeout (or Ctrl-C) stop the work rather than let it finish unobserved.
        future.cancel()
        raise


def stop(timeout: float = 5.0) -> None:
    """Stop the background loop and wait for its thread; the next `run` starts a new one."""
    global _loop, _thread, _pid
    with _lock:
        old_loop, old_thread = _loop, _thread
        same_process = _pid == os.getpid()
        _loop, _thread, _pid = None, None, None
    if old_loop is None or old_thread is None or not same_process:
        return
    old_loop.call_soon_threadsafe(old_loop.stop)
    old_thread.join(timeout)
    if not old_thread.is_alive():
        old_loop.close()
