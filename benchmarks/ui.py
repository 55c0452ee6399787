"""How fast the reader is on a big store, headless, next to baselines measured in the same run.

    python -m benchmarks.ui [--papers 100000] [--db STORE] [--repeat 5]

Without --db it generates N papers (benchmarks.generate) and loads them through the CLI first.
Prints the time to the first screen next to a bare Textual app with one Label, the keystroke →
redrawn-list latency while typing 'diffusion kv' in the filter (titles and abstracts), cursor, jump
and star timings, peak memory, and `fzf --filter` on the same titles when fzf is installed.
"""

from __future__ import annotations

import argparse
import asyncio
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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
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
    command = [sys.executable, "-m", "tui", "--db", db, "load", scratch / "spaced_metadata.txt"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return db


def measure(kind: str, db: Path) -> dict:
    command = [sys.executable, "-m", "benchmarks.ui", "--measure", kind, "--db", str(db)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(db: Path, repeat: int) -> None:
    print("building the fuzzy index cache (once)…", flush=True)
    started = time.perf_counter()
    measure("interact", db)
    print(f"  first build and save: {time.perf_counter() - started:.1f} s (later runs read the cache)")
    bare = [measure("bare", db)["first_screen"] for _ in range(repeat)]
    first = [measure("first", db)["first_screen"] for _ in range(repeat)]
    runs = [measure("interact", db) for _ in range(max(1, repeat // 2))]
    bare_s, first_s = statistics.median(bare), statistics.median(first)
    keys = sorted(ms for run in runs for ms in run["keystrokes"])
    p95 = keys[min(len(keys) - 1, round(0.95 * (len(keys) - 1)))]
    print(f"\nreader on {runs[0]['papers']:,} papers, medians of {repeat} runs")
    print(f"  first screen: {first_s:.3f} s  vs bare Textual app with one Label: {bare_s:.3f} s")
    verdict("    ratio", first_s / bare_s, FIRST_SCREEN_TARGET, "×")
    print(f"  keystroke → list redrawn, typing {QUERY!r} ({len(keys)} keystrokes):")
    verdict("    median", statistics.median(keys), KEYSTROKE_MEDIAN_MS, " ms")
    verdict("    p95", p95, KEYSTROKE_P95_MS, " ms")
    for action in ("cursor_down", "jump_to_end", "star_toggle", "index_load"):
        value = statistics.median(run[action] for run in runs)
        if action == "index_load":
            print(f"  index read from the cache (in the background): {value:.0f} ms")
        else:
            verdict(f"  {action.replace('_', ' ')}", value, ACTION_MS, " ms")
    verdict("  peak RSS", max(run["rss_mb"] for run in runs), RSS_MB, " MB")
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


async def bare_app(db: Path) -> dict:
    started = time.perf_counter()
    from textual.app import App
    from textual.widgets import Label

    class Bare(App):
        def compose(self):
            yield Label("papershelf")

    async with Bare().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        return {"first_screen": time.perf_counter() - started}


async def first_screen(db: Path) -> dict:
    started = time.perf_counter()
    from loaders.store import Store
    from tui.app import PapershelfApp

    app = PapershelfApp(Store(db))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        return {"first_screen": time.perf_counter() - started}


async def interact(db: Path) -> dict:
    from loaders.store import Store
    from tui.app import PapershelfApp

    app = PapershelfApp(Store(db))
    async with app.run_test(size=(120, 40)) as pilot:
        started = time.perf_counter()
        await app.workers.wait_for_complete()
        index_load = time.perf_counter() - started
        await pilot.pause()

        async def timed(*keys: str) -> float:
            started = time.perf_counter()
            await pilot.press(*keys)
            await app.workers.wait_for_complete()
            await pilot.pause()
            return (time.perf_counter() - started) * 1000

        cursor_down = statistics.median([await timed("j") for _ in range(5)])
        jump_to_end = await timed("G")
        star_toggle = statistics.median([await timed("s") for _ in range(2)])
        await pilot.press("g", "slash")
        keystrokes = [await timed(key if key != " " else "space") for key in QUERY]
        assert len(app.shelf) > 0, "the filter found nothing"
        return {
            "papers": app.shelf.paper_count,
            "index_load": index_load * 1000,
            "cursor_down": cursor_down,
            "jump_to_end": jump_to_end,
            "star_toggle": star_toggle,
            "keystrokes": keystrokes,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }


MEASURES = {"bare": bare_app, "first": first_screen, "interact": interact}

if __name__ == "__main__":
    main()
