"""The reader's discovery keys: how long `=` and For you take to show, and how long the UI thread
is held while they rank and while the vectors are computed, beside `r` (the starred view, read by
the store's thread) in the same run.

    python -m benchmarks.reader_discovery [--repeat 5]

On the built-in sample, in a headless reader (`App.run_test`). "stall" is the longest the UI
thread's event loop was late for a 1 ms sleep while the key was answered: the work is elsewhere
when it stays near the baseline's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from papershelf.loaders.discovery import vectors
from papershelf.loaders.sources.load import load_sample
from papershelf.loaders.store.database import Store

JUDGED = Path(__file__).parent.parent / "tests" / "data" / "discovery_judged.json"


class LoopLag:
    """The longest the event loop was late for a 1 ms sleep while it ran."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task | None = None

    async def _probe(self) -> None:
        while True:
            asked = time.perf_counter()
            await asyncio.sleep(0.001)
            self.worst = max(self.worst, time.perf_counter() - asked - 0.001)

    def __enter__(self) -> LoopLag:
        self._task = asyncio.get_running_loop().create_task(self._probe())
        return self

    def __exit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()


async def _timed(pilot, key: str, shown: Callable[[], bool]) -> tuple[float, float]:
    """Seconds from pressing `key` to `shown()`, and the loop's worst lag meanwhile."""
    sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
    from conftest import settle

    with LoopLag() as lag:
        started = time.perf_counter()
        await pilot.press(key)
        while not shown():
            await asyncio.sleep(0.001)
        took = time.perf_counter() - started
        await settle(pilot)
    return took, lag.worst


async def _measure(path: Path, repeat: int) -> dict[str, list[tuple[float, float]]]:
    sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
    from conftest import settle
    from papershelf.tui.app import PapershelfApp

    app = PapershelfApp(path, None)
    found: dict[str, list[tuple[float, float]]] = {"r (starred, baseline)": [], "=": [], "f (For you)": []}
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        state = app.state
        for _ in range(repeat):
            await pilot.press("a")
            await settle(pilot)
            view = lambda name: lambda: state.shelf.view == name and not state.view_pending  # noqa: E731
            found["r (starred, baseline)"].append(await _timed(pilot, "r", view("starred")))
            await pilot.press("a", "j")
            await settle(pilot)
            found["="].append(await _timed(pilot, "equals_sign", view("similar")))
            found["f (For you)"].append(await _timed(pilot, "f", view("foryou")))
    return found


async def _first_embedding(path: Path) -> tuple[float, float, float]:
    """The first `=` on a store without vectors: seconds to show, the loop's worst lag, and the
    worst lag of a second with the reader idle (the baseline)."""
    sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
    from conftest import settle
    from papershelf.tui.app import PapershelfApp

    app = PapershelfApp(path, None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        with LoopLag() as idle:
            await asyncio.sleep(1.0)
        took, lag = await _timed(pilot, "equals_sign", lambda: app.state.shelf.view == "similar")
    return took, lag, idle.worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        fresh = Path(folder) / "fresh.db"
        with Store(fresh) as store:
            load_sample(store)
        embedded = Path(folder) / "embedded.db"
        shutil.copy(fresh, embedded)
        with Store(embedded) as store:
            vectors.refresh(store)
            starred = json.loads(JUDGED.read_text())["recommend"]["speculative decoding"][:3]
            query = "SELECT id FROM papers WHERE title = ?"
            store.set_starred([store.conn.execute(query, [t]).fetchone()[0] for t in starred], True)
        took, lag, idle = asyncio.run(_first_embedding(fresh))
        print("first = on the sample without vectors (334 embedded on a thread):")
        print(f"  shown after {took:.2f} s; the UI loop's worst lag {1000 * lag:.1f} ms", end="")
        print(f" (idle reader: {1000 * idle:.1f} ms)")
        print(f"\nkeys on the embedded sample, medians of {args.repeat}:")
        print(f"  {'key':<24}{'to shown':>10}{'worst lag':>11}")
        for key, runs in asyncio.run(_measure(embedded, args.repeat)).items():
            shown = statistics.median(t for t, _ in runs)
            worst = statistics.median(w for _, w in runs)
            print(f"  {key:<24}{1000 * shown:>8.1f} ms{1000 * worst:>8.1f} ms")


if __name__ == "__main__":
    main()
