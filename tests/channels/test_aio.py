"""The background event loop that lets synchronous code run python-telegram-bot."""

from __future__ import annotations

import asyncio
import os
import sys
import threading

import pytest

from channels import aio


async def loop_thread_name(value: int) -> tuple[int, str]:
    await asyncio.sleep(0)
    return value, threading.current_thread().name


def test_a_coroutine_runs_on_the_background_thread() -> None:
    assert aio.run(loop_thread_name(7), timeout=5) == (7, "souk-aio")


def test_the_coroutines_exception_reaches_the_caller() -> None:
    async def fail() -> None:
        raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        aio.run(fail(), timeout=5)


def test_a_timeout_cancels_the_coroutine() -> None:
    cancelled = threading.Event()

    async def slow() -> None:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    with pytest.raises(TimeoutError):
        aio.run(slow(), timeout=0.1)
    assert cancelled.wait(2)


def test_many_threads_share_one_loop() -> None:
    loops: list[asyncio.AbstractEventLoop] = []

    async def which_loop() -> asyncio.AbstractEventLoop:
        await asyncio.sleep(0.01)
        return asyncio.get_running_loop()

    def caller() -> None:
        for _ in range(20):
            loops.append(aio.run(which_loop(), timeout=5))

    threads = [threading.Thread(target=caller) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(loops) == 160
    assert {id(loop) for loop in loops} == {id(aio.loop())}


def test_calling_run_from_the_loop_thread_is_refused_not_deadlocked() -> None:
    async def nested() -> int:
        return aio.run(asyncio.sleep(0, result=1), timeout=1)

    with pytest.raises(RuntimeError, match="event loop thread"):
        aio.run(nested(), timeout=5)


def test_stop_then_run_starts_a_fresh_loop() -> None:
    before = aio.loop()
    aio.stop()
    assert before.is_closed()
    assert aio.run(loop_thread_name(1), timeout=5) == (1, "souk-aio")
    assert aio.loop() is not before


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_runs_its_own_loop() -> None:
    parent_loop = aio.loop()
    aio.run(asyncio.sleep(0), timeout=5)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report, then leave without running pytest's teardown
        status = 1
        try:
            child_loop = aio.loop()
            value, name = aio.run(loop_thread_name(os.getpid()), timeout=5)
            ok = value == os.getpid() and name == "souk-aio" and child_loop is not parent_loop
            os.write(write_end, b"ok" if ok else b"wrong loop")
            status = 0
        except BaseException as exc:
            os.write(write_end, repr(exc).encode()[:200])
        finally:
            sys.stdout.flush()
            os._exit(status)
    os.close(write_end)
    _, status = os.waitpid(pid, 0)
    with os.fdopen(read_end, "rb") as child_said:
        assert child_said.read() == b"ok"
    assert os.waitstatus_to_exitcode(status) == 0
    assert aio.run(loop_thread_name(2), timeout=5) == (2, "souk-aio")
