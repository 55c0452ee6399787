"""The reader's one store connection, on a thread of its own: no SQL ever runs on the UI thread.

Jobs are functions of a `Store`. Writes run in the order asked for; a write the store cannot take
now (another process holds the write lock) stays first in line and is tried again every
`RETRY_EVERY` seconds, while reads (which WAL lets through a writer) keep being answered. A write
that fails for good (a read-only store, a full disk, any other SQLite error) is reported once,
with its reason in one line. Results and errors go back to the UI thread through `deliver`, which
must be safe to call from another thread (Textual's `post_message` is).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from papershelf.loaders.store.database import Store

BUSY_TIMEOUT_MS = 30  # the thread's own wait on a lock: short, so that reads are not held up
RETRY_EVERY = 0.2

Delivery = Callable[[Callable[[], None]], None]


@dataclass(slots=True)
class Job:
    run: Callable[[Store], Any]
    done: Callable[[Any], None] | None
    failed: Callable[[str], None] | None
    write: bool
    tries: int = 0
    waiting_since: float | None = field(default=None)


class StoreThread:
    """Runs store jobs off the UI thread, writes in order and retried while the store is locked."""

    def __init__(self, path: Path, deliver: Delivery, on_waiting: Callable[[int], None] | None = None):
        self.path = path
        self.deliver = deliver
        self.on_waiting = on_waiting  # told how many writes wait for a lock (0: none any more)
        self._reads: deque[Job] = deque()
        self._writes: deque[Job] = deque()
        self._wake = threading.Condition()
        self._busy = False
        self._stopping = False
        self._stop_by = 0.0
        self._broken: str | None = None  # why the store could not be opened
        self._waiting_reported = 0
        self._thread = threading.Thread(target=self._serve, name="papershelf-store", daemon=True)
        self._thread.start()

    # Asked from the UI thread --------------------------------------------------------------------

    def read(
        self,
        run: Callable[[Store], Any],
        done: Callable[[Any], None] | None = None,
        failed: Callable[[str], None] | None = None,
    ) -> None:
        self._put(self._reads, Job(run, done, failed, write=False))

    def write(
        self,
        run: Callable[[Store], Any],
        done: Callable[[Any], None] | None = None,
        failed: Callable[[str], None] | None = None,
    ) -> None:
        self._put(self._writes, Job(run, done, failed, write=True))

    @property
    def unsaved_writes(self) -> int:
        """Writes not committed yet (the first of them possibly waiting for a lock)."""
        with self._wake:
            return len(self._writes)

    def idle(self) -> bool:
        with self._wake:
            return not (self._busy or self._reads or self._writes)

    def stop(self, timeout: float = 5.0) -> None:
        """Finish the writes asked for (trying for `timeout` seconds while the store is locked),
        then close the connection."""
        with self._wake:
            self._stopping = True
            self._stop_by = time.monotonic() + timeout
            self._wake.notify()
        self._thread.join(timeout + 1)

    def _put(self, queue: deque[Job], job: Job) -> None:
        with self._wake:
            if self._broken is None:
                queue.append(job)
                self._wake.notify()
                return
        self._failed(job, self._broken)

    # On the store's thread -----------------------------------------------------------------------

    def _serve(self) -> None:
        try:
            store = Store(self.path)
        except (sqlite3.Error, OSError) as error:
            with self._wake:
                self._broken = _reason(error)
            self._fail_all(self._broken)
            return
        store.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            while (job := self._next()) is not None:
                self._run(store, job)
        finally:
            store.close()

    def _next(self) -> Job | None:
        with self._wake:
            self._busy = False
            while True:
                write = self._writes[0] if self._writes else None
                ready = write is not None and (
                    write.waiting_since is None or time.monotonic() - write.waiting_since >= RETRY_EVERY
                )
                if self._reads and not ready:
                    self._busy = True
                    return self._reads.popleft()
                if ready:
                    self._busy = True
                    return write
                if self._stopping and (write is None or time.monotonic() > self._stop_by):
                    return None
                self._wake.wait(RETRY_EVERY if write is not None else None)

    def _run(self, store: Store, job: Job) -> None:
        try:
            if job.write:
                with store.write():  # one transaction: tried again whole, or not at all
                    result = job.run(store)
            else:
                with store.reading():  # one snapshot
                    result = job.run(store)
        except sqlite3.OperationalError as error:
            if job.write and _is_busy(error):
                job.tries += 1
                job.waiting_since = time.monotonic()
                self._report_waiting()
                return  # stays first in line, tried again after RETRY_EVERY
            self._finish(job)
            self._failed(job, _reason(error))
            return
        except Exception as error:  # any: reported, and the reader goes on
            self._finish(job)
            self._failed(job, _reason(error))
            return
        self._finish(job)
        if job.done is not None:
            done = job.done
            self.deliver(lambda: done(result))

    def _finish(self, job: Job) -> None:
        if job.write:
            with self._wake:
                if self._writes and self._writes[0] is job:
                    self._writes.popleft()
            self._report_waiting()

    def _report_waiting(self) -> None:
        with self._wake:
            waiting = len(self._writes) if self._writes and self._writes[0].tries else 0
        if waiting != self._waiting_reported and self.on_waiting is not None:
            self._waiting_reported = waiting
            on_waiting = self.on_waiting
            self.deliver(lambda: on_waiting(waiting))

    def _failed(self, job: Job, reason: str) -> None:
        if job.failed is not None:
            failed = job.failed
            self.deliver(lambda: failed(reason))

    def _fail_all(self, reason: str) -> None:
        with self._wake:
            jobs = [*self._reads, *self._writes]
            self._reads.clear()
            self._writes.clear()
        for job in jobs:
            self._failed(job, reason)


def _is_busy(error: sqlite3.OperationalError) -> bool:
    return "locked" in str(error) or "busy" in str(error)


def _reason(error: BaseException) -> str:
    """The reason of a failure, in the user's words where SQLite's are obscure."""
    text = str(error).strip() or type(error).__name__
    if "readonly" in text:
        return "the store is read-only"
    if "disk is full" in text or "disk I/O" in text:
        return "the disk is full" if "full" in text else "the disk could not be written"
    return text.splitlines()[0]
