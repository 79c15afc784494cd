"""The long-lived inbox watcher: file-system events (watchdog) wake it, a periodic rescan backs them up.

Events only say "look again"; the work is always ``process_once`` over what is in the folder, so a
missed or duplicated event never loses or doubles a file. ``polling=True`` uses watchdog's polling
observer (network shares and container mounts that deliver no inotify events).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy.engine import Engine
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from kpi_engine.arrivals.inbox import DONE, FAILED, Arrival, InboxOptions, process_once
from kpi_engine.arrivals.messages import Notify, default_notify

log = logging.getLogger("kpi_engine.arrivals")
RETRY_SECONDS = 1.0  # next pass after a busy database or a file still being written


class _Wake(FileSystemEventHandler):
    """Sets ``wake`` on any change outside done/ and failed/."""

    def __init__(self, inbox: Path, wake: threading.Event) -> None:
        self.skip = (inbox.resolve() / DONE, inbox.resolve() / FAILED)
        self.wake = wake

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory and event.event_type != "created":
            return
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        for raw in paths:
            if not raw:
                continue
            path = Path(str(raw)).resolve()
            if not any(path == d or d in path.parents for d in self.skip):
                self.wake.set()
                return


def watch(engine: Engine, inbox: Path, *, options: InboxOptions | None = None, notify: Notify | None = None,
          stop: threading.Event | None = None, rescan: float = 30.0, polling: bool = False,
          on_arrival: Callable[[str, Sequence[str]], None] | None = None, ready: threading.Event | None = None) -> None:
    """Process the inbox now and whenever something arrives, until ``stop`` is set (or forever).

    ``on_arrival(title, lines)`` is called for each processed file, besides ``notify`` (the CLI prints with it);
    ``ready`` is set once the watcher listens and its first pass is done.
    """
    inbox = Path(inbox)
    options = options or InboxOptions()
    stop = stop or threading.Event()
    wake = threading.Event()
    sender = notify or default_notify(engine)
    observer = PollingObserver(timeout=min(rescan, 1.0)) if polling else Observer()
    observer.schedule(_Wake(inbox, wake), str(inbox), recursive=True)
    observer.start()
    try:
        while not stop.is_set():
            wake.clear()
            arrivals: list[Arrival] = []
            failed_pass = False
            try:
                arrivals = process_once(engine, inbox, options=options, notify=sender)
            except Exception:  # e.g. the folder unreachable for a moment: try again soon
                log.exception("inbox watcher: pass failed")
                failed_pass = True
            for a in arrivals:
                if on_arrival is not None and a.outcome not in ("waiting", "retry"):
                    on_arrival(a.title, a.lines)
            again = failed_pass or any(a.outcome in ("waiting", "retry") for a in arrivals)
            # Wait for an event, a stop, or the rescan (soon when a file is still being written or the database was busy).
            deadline = min(rescan, max(options.settle, RETRY_SECONDS)) if again else rescan
            if ready is not None:
                ready.set()
            _wait_any(wake, stop, deadline)
    finally:
        observer.stop()
        observer.join(timeout=10)


def _wait_any(wake: threading.Event, stop: threading.Event, timeout: float) -> None:
    """Block until ``wake`` or ``stop`` is set, or ``timeout`` seconds pass (checked in short slices)."""
    remaining = timeout
    step = 0.25
    while remaining > 0 and not stop.is_set():
        if wake.wait(min(step, remaining)):
            return
        remaining -= step
