"""How fast the reader is on a big store, headless, next to baselines measured in the same run.

    python -m benchmarks.ui [--papers 100000] [--db STORE] [--repeat 5]

Without --db it generates N papers (benchmarks.generate) and loads them through the CLI first.
Prints the time to the first screen next to a bare Textual app with one Label, the keystroke →
redrawn-list latency while typing 'diffusion kv' in the filter (titles and abstracts), cursor, jump
and star timings, peak memory, and `fzf --filter` on the same titles when fzf is installed.

Latencies are "key event → screen updated": the key is posted to the app as the terminal driver
posts it, and the time is that of the last screen update it caused, the update rendered to
terminal output as a real driver would write it. `Pilot.press()` is not the clock: it waits for
the process to go idle, which takes ~60 ms even in a bare app; that floor is printed for reference.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUERY = "diffusion kv"
FIRST_SCREEN_TARGET = 1.5
KEYSTROKE_MEDIAN_MS, KEYSTROKE_P95_MS, ACTION_MS, RSS_MB = 16, 50, 16, 300
QUIET_SECONDS = 0.3
KEY_CHARACTERS = {"space": " ", "slash": "/"}


def arguments(description: str | None) -> argparse.ArgumentParser:
    """The options every benchmark takes: a store to use, or how many papers to generate."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    return parser


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--measure", choices=("bare", "first", "interact"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(asyncio.run(MEASURES[args.measure](args.db))))
        return
    with tempfile.TemporaryDirectory() as scratch:
        db = args.db or build_store(Path(scratch), args.papers)
        os.environ["PAPERSHELF_CACHE"] = str(Path(scratch) / "cache")
        report(db, args.repeat)


def build_store(scratch: Path, papers: int) -> Path:
    print(f"generating and loading {papers:,} papers…", flush=True)
    subprocess.run(
        [sys.executable, "-m", "benchmarks.generate", scratch, "--papers", str(papers)], check=True
    )
    db = scratch / "ui.db"
    command = [sys.executable, "-m", "papershelf.tui", "--db", db, "load", scratch / "spaced_metadata.txt"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return db


def measure(kind: str, db: Path) -> dict:
    command = [sys.executable, "-m", "benchmarks.ui", "--measure", kind, "--db", str(db)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def compile_project() -> None:
    """Compile the project's modules as installing a package does. Textual's come compiled; with
    PYTHONDONTWRITEBYTECODE set, the reader would otherwise compile itself at every start."""
    root = Path(__file__).resolve().parent.parent
    for package in ("tui", "loaders"):
        compileall.compile_dir(root / package, quiet=1)


def report(db: Path, repeat: int) -> None:
    compile_project()
    print("building the fuzzy index cache (once)…", flush=True)
    started = time.perf_counter()
    measure("interact", db)
    print(f"  first build and save: {time.perf_counter() - started:.1f} s (later runs read the cache)")
    bares = [measure("bare", db) for _ in range(repeat)]
    first = [measure("first", db)["first_screen"] for _ in range(repeat)]
    runs = [measure("interact", db) for _ in range(max(1, repeat // 2))]
    bare_s, first_s = statistics.median(bare["first_screen"] for bare in bares), statistics.median(first)
    bare_key = statistics.median(ms for bare in bares for ms in bare["key"])
    keys = sorted(ms for run in runs for ms in run["keystrokes"])
    p95 = keys[min(len(keys) - 1, round(0.95 * (len(keys) - 1)))]
    print(f"\nreader on {runs[0]['papers']:,} papers, medians of {repeat} runs")
    print(f"  first screen: {first_s:.3f} s  vs bare Textual app with one Label: {bare_s:.3f} s")
    verdict("    ratio", first_s / bare_s, FIRST_SCREEN_TARGET, "×")
    print(f"  key → screen updated; a bare Textual app updating a Label: {bare_key:.2f} ms")
    print(f"  keystroke → list redrawn, typing {QUERY!r} ({len(keys)} keystrokes):")
    verdict("    median", statistics.median(keys), KEYSTROKE_MEDIAN_MS, " ms")
    verdict("    p95", p95, KEYSTROKE_P95_MS, " ms")
    for action in ("cursor_down", "jump_to_end", "star_toggle", "star_shown"):
        value = statistics.median(ms for run in runs for ms in run[action])
        verdict(f"  {action.replace('_', ' ')}", value, ACTION_MS, " ms")
    index_load = statistics.median(run["index_load"] for run in runs)
    print(f"  index read from the cache (in the background, after the first screen): {index_load:.0f} ms")
    verdict("  peak RSS", max(run["rss_mb"] for run in runs), RSS_MB, " MB")
    pilot = statistics.median(run["pilot_cursor_down"] for run in runs)
    pilot_bare = statistics.median(ms for bare in bares for ms in bare["pilot_key"])
    print(f"  for reference, Pilot.press() + pause: cursor down {pilot:.0f} ms, bare app {pilot_bare:.0f} ms")
    fzf_reference(db)


def verdict(label: str, value: float, target: float, unit: str) -> None:
    print(f"{label}: {value:.2f}{unit}  (target ≤ {target}{unit}: {'ok' if value <= target else 'MISSED'})")


def fzf_reference(db: Path) -> None:
    if not shutil.which("fzf"):
        print("  fzf: not installed (reference only)")
        return
    import sqlite3

    titles = "\n".join(row[0] for row in sqlite3.connect(db).execute("SELECT title FROM papers"))
    times = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run(["fzf", "--filter", QUERY], input=titles, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
    print(
        f"  reference: fzf --filter {QUERY!r} over the titles only: {statistics.median(times) * 1000:.0f} ms"
    )


class Frames:
    """When the app wrote the screen: a wrapper around `App._display`.

    A headless app skips turning an update into terminal output; this does it, as a driver would.
    `first` is the time of the first update after which `shown()` is true.
    """

    def __init__(self, app, shown=lambda: True) -> None:
        self.times: list[float] = []
        self.first_update_ms: float | None = None  # of the last key: its first screen update
        self.first: float | None = None
        display = app._display

        def timed_display(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is not None and not app._batch_count:
                if hasattr(renderable, "render_segments"):
                    renderable.render_segments(app.console)
                self.times.append(time.perf_counter())
                if self.first is None and shown():
                    self.first = self.times[-1]

        app._display = timed_display

    async def key(self, app, key: str) -> float:
        """Milliseconds from posting `key`, as the terminal driver does, to the last screen update
        it caused (waiting until the app is quiet and no worker runs)."""
        from textual import events

        event = events.Key(key, KEY_CHARACTERS.get(key, key if len(key) == 1 else None))
        event.set_sender(app)
        count = len(self.times)
        sent = time.perf_counter()
        self.first_update_ms = None
        app._driver.send_message(event)
        while True:
            await asyncio.sleep(0.005)
            busy = any(worker.is_running or worker.state.name == "PENDING" for worker in app.workers)
            busy = busy or not settled(app)
            last = self.times[-1] if len(self.times) > count else sent
            if len(self.times) > count and self.first_update_ms is None:
                self.first_update_ms = (self.times[count] - sent) * 1000
            if not busy and time.perf_counter() - last > QUIET_SECONDS:
                if len(self.times) == count:
                    raise RuntimeError(f"{key!r} changed nothing on the screen")
                return (last - sent) * 1000


async def bare_app(db: Path) -> dict:
    started = time.perf_counter()
    from textual.app import App
    from textual.widgets import Label

    class Bare(App):
        BINDINGS = [("j", "count", "Count")]
        count = 0

        def compose(self):
            yield Label("papershelf")

        def action_count(self) -> None:
            self.count += 1
            self.query_one(Label).update(f"papershelf {self.count}")

    app = Bare()
    frames = Frames(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        first_screen = frames.first - started
        key = [await frames.key(app, "j") for _ in range(10)]
        pilot_key = []
        for _ in range(10):
            pressed = time.perf_counter()
            await pilot.press("j")
            await app.workers.wait_for_complete()
            await pilot.pause()
            pilot_key.append((time.perf_counter() - pressed) * 1000)
        return {"first_screen": first_screen, "key": key, "pilot_key": pilot_key}


async def first_screen(db: Path) -> dict:
    started = time.perf_counter()
    from papershelf.loaders.store.database import Store
    from papershelf.tui.app import PapershelfApp
    from papershelf.tui.widgets.paper_detail import PaperDetail
    from papershelf.tui.widgets.paper_list import PaperList

    painted: set[type] = set()
    for widget in (PaperList, PaperDetail):
        widget.draw_line = noting_text(widget.draw_line, widget, painted)
    app = PapershelfApp(Store(db))
    frames = Frames(app, shown=lambda: len(painted) == 2)
    async with app.run_test(size=(120, 40)) as pilot:
        while frames.first is None:
            await pilot.pause()
        return {"first_screen": frames.first - started}


def noting_text(draw_line, widget: type, painted: set[type]):
    """`draw_line` that adds `widget` to `painted` once it draws a line with text."""

    def draw_noting(self, key, width: int):
        segments = draw_line(self, key, width)
        if "".join(segment.text for segment in segments).strip():
            painted.add(widget)
        return segments

    return draw_noting


async def interact(db: Path) -> dict:
    from papershelf.loaders.store.database import Store
    from papershelf.tui.app import PapershelfApp
    from papershelf.tui.widgets.filter_input import FilterInput

    app = PapershelfApp(Store(db))
    frames = Frames(app)
    async with app.run_test(size=(120, 40)) as pilot:
        started = time.perf_counter()
        while shelf_of(app).index is None:  # read on a thread started after the first screen
            await asyncio.sleep(0.01)
        index_load = time.perf_counter() - started
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.screen.query_one(FilterInput).cursor_blink = False  # a blink would be a screen update too

        pressed = time.perf_counter()
        await pilot.press("j")
        await app.workers.wait_for_complete()
        await pilot.pause()
        pilot_cursor_down = (time.perf_counter() - pressed) * 1000

        cursor_down = [await frames.key(app, "j") for _ in range(5)]
        jump_to_end = []
        for _ in range(3):
            jump_to_end.append(await frames.key(app, "G"))
            await frames.key(app, "g")
        star_toggle, star_shown = [], []
        for _ in range(4):
            star_toggle.append(await frames.key(app, "s"))
            star_shown.append(frames.first_update_ms)
        await frames.key(app, "slash")
        keystrokes = [await frames.key(app, KEY_NAMES.get(key, key)) for key in QUERY]
        shelf = shelf_of(app)
        assert shelf.query == QUERY and 0 < len(shelf) < shelf.total, "the filter did not filter"
        return {
            "papers": shelf.paper_count,
            "index_load": index_load * 1000,
            "cursor_down": cursor_down,
            "jump_to_end": jump_to_end,
            "star_toggle": star_toggle,
            "star_shown": star_shown,
            "keystrokes": keystrokes,
            "pilot_cursor_down": pilot_cursor_down,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }


def shelf_of(app):
    """The reader's shelf; `app.shelf` before the state owner (to measure an older checkout)."""
    state = getattr(app, "state", None)
    return state.shelf if state is not None else app.shelf


def settled(app) -> bool:
    """Whether the reader's store thread and its other threads are done (always, before them)."""
    return app.settled() if hasattr(app, "settled") else True


KEY_NAMES = {" ": "space"}
MEASURES = {"bare": bare_app, "first": first_screen, "interact": interact}

if __name__ == "__main__":
    main()
