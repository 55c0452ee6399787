"""Load speed and memory of `papershelf load`, against a raw executemany of the same rows, same run.

    python -m benchmarks.load [--papers 50000] [--repeat 3]

For each shape: a first load into a fresh store and a reload of the same file, both through the
real command (a subprocess of `papershelf load`); then the same rows inserted with one raw
`sqlite3.executemany` into a fresh store of the same schema (FTS triggers included). Peak memory
of the command is measured at N/5 and N papers: streaming keeps it flat. Medians of --repeat runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.generate import SHAPES, write_shape
from papershelf.loaders.models import MERGED_FIELDS
from papershelf.loaders.sources.parsing import parse_here
from papershelf.loaders.store.database import Store, now

TARGET_SECONDS = 10.0
TARGET_RAW_RATIO = 2.0
TARGET_RELOAD_RATIO = 0.5


def run_cli(db: Path, path: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of `papershelf --db DB load PATH` in a child process."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "papershelf.tui", "--db", str(db), "load", str(path)],
        stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"papershelf load {path} failed")
    return elapsed, usage.ru_maxrss / 1024


def raw_rows(path: Path) -> list[tuple]:
    """The rows `papershelf load` writes for `path`, ready for an executemany."""
    stamp = now()
    parsed = parse_here(path)
    return [(row[0] + 1, *row[1:], stamp, stamp) for batch in parsed.batches for row in batch.rows]


def raw_insert(db: Path, rows: list[tuple]) -> float:
    """Seconds to insert `rows` (and their source links) with executemany, in one transaction."""
    store = Store(db)
    columns = ", ".join(("id", *MERGED_FIELDS, "title_key", "urls", "added_at", "updated_at"))
    start = time.perf_counter()
    with store.write():
        store.conn.execute("INSERT INTO sources (path, loaded_at) VALUES ('raw', ?)", [now()])
        store.conn.executemany(
            f"INSERT INTO papers ({columns}) VALUES ({', '.join('?' * len(rows[0]))})", rows
        )
        store.conn.executemany(
            "INSERT INTO paper_sources (paper_id, source_id, position) VALUES (?, 1, ?)",
            [(row[0], row[0] - 1) for row in rows],
        )
    elapsed = time.perf_counter() - start
    store.close()
    return elapsed


def measure(shape: str, papers: int, repeat: int, work: Path) -> dict:
    path = work / f"{shape}-{papers}.txt"
    write_shape(path, shape, papers)
    rows = raw_rows(path)
    first, reload, raw, rss = [], [], [], []
    for attempt in range(repeat):
        db = work / f"{shape}-{papers}-{attempt}.db"
        seconds, peak = run_cli(db, path)
        first.append(seconds)
        rss.append(peak)
        reload.append(run_cli(db, path)[0])
        raw.append(raw_insert(work / f"{shape}-{papers}-{attempt}-raw.db", rows))
    return {
        "first": statistics.median(first),
        "reload": statistics.median(reload),
        "raw": statistics.median(raw),
        "rss": statistics.median(rss),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--papers", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    small = max(args.papers // 5, 1)
    print(f"papershelf load, {args.papers:,} papers per shape, median of {args.repeat} runs")
    header = (
        f"{'shape':<16}{'first s':>9}{'papers/s':>10}{'raw s':>8}{'×raw':>7}{'reload s':>10}{'×first':>8}"
    )
    print(header + f"{'RSS N/5':>9}{'RSS N':>8}")
    verdicts = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for shape in SHAPES:
            big = measure(shape, args.papers, args.repeat, work)
            little = measure(shape, small, 1, work)
            ratio = big["first"] / big["raw"]
            reload_ratio = big["reload"] / big["first"]
            print(
                f"{shape:<16}{big['first']:>9.2f}{args.papers / big['first']:>10,.0f}{big['raw']:>8.2f}"
                f"{ratio:>7.2f}{big['reload']:>10.2f}{reload_ratio:>8.2f}"
                f"{little['rss']:>8.0f}M{big['rss']:>7.0f}M"
            )
            verdicts.append(
                (
                    shape,
                    big["first"] <= TARGET_SECONDS,
                    ratio <= TARGET_RAW_RATIO,
                    reload_ratio <= TARGET_RELOAD_RATIO,
                )
            )
    print(
        f"targets: first load ≤ {TARGET_SECONDS:.0f} s, ≤ {TARGET_RAW_RATIO}× raw executemany, "
        f"reload ≤ {TARGET_RELOAD_RATIO}× first load, RSS flat from N/5 to N"
    )
    for shape, fast, near_raw, cheap_reload in verdicts:
        marks = {"≤10 s": fast, "≤2× raw": near_raw, "reload ≤0.5×": cheap_reload}
        print(
            f"  {shape:<16}" + "  ".join(f"{name}: {'ok' if ok else 'MISSED'}" for name, ok in marks.items())
        )


if __name__ == "__main__":
    main()
