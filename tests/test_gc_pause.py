"""The garbage collector held off while pages are parsed: back on after the last pause."""

from __future__ import annotations

import gc
import threading

from harvester.gc_pause import GcHold, paused_gc


def test_the_collector_is_off_inside_and_on_again_after_the_last_pause() -> None:
    assert gc.isenabled()
    inside, leave = threading.Event(), threading.Event()

    def other() -> None:
        with paused_gc():
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=other)
    with paused_gc():
        thread.start()
        inside.wait(5)
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread is still inside its pause
    leave.set()
    thread.join(5)
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_failure_inside_still_switches_it_back_on() -> None:
    try:
        with paused_gc():
            raise KeyError("x")
    except KeyError:
        pass
    assert gc.isenabled()


def test_a_hold_started_and_ended_apart_counts_once() -> None:
    hold = GcHold()
    hold.hold()
    hold.hold()  # a retried response is checked again: still one pause
    assert not gc.isenabled()
    hold.release()
    assert gc.isenabled()
    hold.release()  # released again at the walk's end: nothing more
    assert gc.isenabled()
