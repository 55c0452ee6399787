"""Load speed and memory of `papershelf load`, against a raw executemany of the same rows, same run.

    python -m benchmarks.load [--papers 50000] [--repeat 3] [--shapes snapshot,compact,…] [--corpus FILE]

For each shape (the three page copies, and an arXiv metadata snapshot from `benchmarks.snapshot`):
a first load into a fresh store and a reload of the same file, both through the real command (a
subprocess of `papershelf load`); then the same rows inserted with one raw `sqlite3.executemany`
into a fresh store of the same schema, with its FTS5 triggers and without FTS5. Peak memory of
the command is measured at N/5 and N papers: streaming keeps it flat. Medians of --repeat runs.
While a snapshot loads, a reader's star is written every STAR_EVERY seconds and its wait timed.

`--corpus FILE` takes the snapshot (its first N lines) and a compact page copy of its titles and
abstracts from a snapshot of the realistic corpus, made once (`python -m benchmarks.snapshot FILE
--corpus realistic --papers 1000000`): its vocabulary grows as real text does, the sample's stops.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.generate import HEADERS, SHAPES, write_shape
from benchmarks.snapshot import write_snapshot
from papershelf.loaders.models import MERGED_FIELDS
from papershelf.loaders.sources.parsing import parse_here
from papershelf.loaders.store.database import Store, now

# The targets at 1,000,000 papers, as seconds per paper.
TARGET_SECONDS_PER_PAPER = {"snapshot": 60e-6, "page": 80e-6}
TARGET_RAW_RATIO = 1.5  # × the raw insert with FTS5
TARGET_RELOAD_RATIO = 1 / 3  # 20 s of 60
TARGET_RSS_MB = 200
TARGET_LOCK_WAIT = 1.0  # seconds a reader's star may wait for a load's write lock
STAR_EVERY = 0.25


def run_cli(db: Path, path: Path, waits: list[float] | None = None) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of `papershelf --db DB load PATH` in a child process; with `waits`,
    a reader's star written now and then meanwhile, the seconds each waited for the write lock."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "papershelf.tui", "--db", str(db), "load", str(path)],
        stdout=subprocess.DEVNULL,
    )
    stop = threading.Event()
    starring = threading.Thread(target=_star_meanwhile, args=(db, stop, waits), daemon=True)
    if waits is not None:
        starring.start()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    stop.set()
    if waits is not None:
        starring.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"papershelf load {path} failed")
    return elapsed, usage.ru_maxrss / 1024


def _star_meanwhile(db: Path, stop: threading.Event, waits: list[float]) -> None:
    """Star and unstar paper 1 every STAR_EVERY seconds while the load runs, as a reader would."""
    while not stop.wait(STAR_EVERY):
        try:
            with Store(db) as store:
                if store.is_empty():
                    continue
                begun = time.perf_counter()
                store.set_starred([1], not store.existing_ids(_starred(store)))
                waits.append(time.perf_counter() - begun)
        except sqlite3.OperationalError:  # the store is being created
            continue


def _starred(store: Store) -> list[int]:
    return [row[0] for row in store.conn.execute("SELECT paper_id FROM stars")]


def raw_rows(path: Path) -> list[tuple]:
    """The rows `papershelf load` writes for `path`, ready for an executemany."""
    stamp = now()
    parsed = parse_here(path)
    return [(row[0] + 1, *row[1:], stamp, stamp) for batch in parsed.batches for row in batch.rows]


def raw_insert(db: Path, rows: list[tuple], fts: bool = True) -> float:
    """Seconds to insert `rows` (and their source links) with executemany, in one transaction;
    without `fts`, into a store without its FTS5 triggers."""
    store = Store(db)
    if not fts:
        for trigger in ("papers_ai", "papers_au", "papers_ad"):
            store.conn.execute(f"DROP TRIGGER {trigger}")
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


def raw_in_child(path: Path, prefix: Path) -> tuple[float, float]:
    """Seconds of `raw_insert` of `path`'s rows with FTS5 and without, in a child process: this one
    stays small, since a process started by a large one inherits its peak memory (Linux keeps the
    high-water mark across exec), and the RSS measured of `papershelf load` would be this one's."""
    command = [sys.executable, "-m", "benchmarks.load", "--raw", str(path), str(prefix)]
    with_fts, without = subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()
    return float(with_fts), float(without)


def write_input(path: Path, shape: str, papers: int, corpus: Path | None = None) -> None:
    """`papers` papers of `shape`; from `corpus` (a snapshot made by `benchmarks.corpus`, its first
    lines) when given: the snapshot as it is, a compact page copy of its titles and abstracts."""
    if corpus is None:
        write_snapshot(path, papers) if shape == "snapshot" else write_shape(path, shape, papers)
        return
    with open(corpus, "rb") as lines, open(path, "wb") as out:
        if shape != "snapshot":
            if shape != "compact":
                raise SystemExit("--corpus makes snapshots and compact page copies")
            out.write(HEADERS["compact"].encode())
        for number, line in enumerate(lines):
            if number == papers:
                break
            if shape == "snapshot":
                out.write(line)
            else:
                record = json.loads(line)
                title, abstract = (" ".join(record[key].split()) for key in ("title", "abstract"))
                out.write(f"{'Subscribe' if number == 0 else ''}{title}\n{abstract}\n".encode())
        else:
            raise SystemExit(f"{corpus} holds fewer than {papers:,} papers")


def measure(
    shape: str, papers: int, repeat: int, work: Path, baselines: bool = True, corpus: Path | None = None
) -> dict:
    path = work / f"{shape}-{papers}.txt"
    write_input(path, shape, papers, corpus)
    first, reload, raw, bare, rss, waits = [], [], [], [], [], []
    for attempt in range(repeat):
        db = work / f"{shape}-{papers}-{attempt}.db"
        seconds, peak = run_cli(db, path, waits if shape == "snapshot" else None)
        first.append(seconds)
        rss.append(peak)
        reload.append(run_cli(db, path)[0])
        if baselines:
            with_fts, without = raw_in_child(path, work / f"{shape}-{papers}-{attempt}")
            raw.append(with_fts)
            bare.append(without)
        for name in os.listdir(work):
            if name.startswith(f"{shape}-{papers}-{attempt}"):
                os.remove(work / name)  # a million papers' stores take gigabytes
    path.unlink()
    return {
        "first": statistics.median(first),
        "reload": statistics.median(reload),
        "raw": statistics.median(raw) if raw else float("nan"),
        "bare": statistics.median(bare) if bare else float("nan"),
        "rss": statistics.median(rss),
        "wait": max(waits, default=float("nan")),  # the longest a reader's star waited
        "wait_median": statistics.median(waits) if waits else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--papers", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--shapes", default=",".join(("snapshot", *SHAPES)))
    parser.add_argument(
        "--corpus",
        type=Path,
        help="a snapshot of at least --papers lines to take the input from (python -m benchmarks.snapshot "
        "--corpus realistic), rather than generating the sample corpus each run",
    )
    parser.add_argument("--raw", nargs=2, type=Path, metavar=("PATH", "PREFIX"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.raw:  # the child of `raw_in_child`
        path, prefix = args.raw
        rows = raw_rows(path)
        with_fts = raw_insert(prefix.with_name(prefix.name + "-raw.db"), rows)
        print(with_fts, raw_insert(prefix.with_name(prefix.name + "-bare.db"), rows, fts=False))
        return
    shapes = [shape.strip() for shape in args.shapes.split(",") if shape.strip()]
    small = max(args.papers // 5, 1)
    print(f"papershelf load, {args.papers:,} papers per shape, median of {args.repeat} runs")
    header = f"{'shape':<16}{'first s':>9}{'papers/s':>10}{'raw s':>8}{'×raw':>7}{'no-FTS s':>10}"
    print(header + f"{'reload s':>10}{'×first':>8}{'RSS N/5':>9}{'RSS N':>8}{'star ms':>9}{'median':>8}")
    verdicts = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for shape in shapes:
            big = measure(shape, args.papers, args.repeat, work, corpus=args.corpus)
            little = measure(shape, small, 1, work, baselines=False, corpus=args.corpus)
            ratio = big["first"] / big["raw"]
            reload_ratio = big["reload"] / big["first"]
            print(
                f"{shape:<16}{big['first']:>9.2f}{args.papers / big['first']:>10,.0f}{big['raw']:>8.2f}"
                f"{ratio:>7.2f}{big['bare']:>10.2f}{big['reload']:>10.2f}{reload_ratio:>8.2f}"
                f"{little['rss']:>8.0f}M{big['rss']:>7.0f}M"
                f"{big['wait'] * 1000:>9.0f}{big['wait_median'] * 1000:>8.0f}"
            )
            limit = TARGET_SECONDS_PER_PAPER["snapshot" if shape == "snapshot" else "page"] * args.papers
            marks = {
                f"≤{limit:.0f} s": big["first"] <= limit,
                f"≤{TARGET_RAW_RATIO}× raw": ratio <= TARGET_RAW_RATIO,
                "reload ≤⅓×": reload_ratio <= TARGET_RELOAD_RATIO,
                f"RSS ≤{TARGET_RSS_MB} MB": max(big["rss"], little["rss"]) <= TARGET_RSS_MB,
            }
            if shape == "snapshot":
                marks[f"star waits ≤{TARGET_LOCK_WAIT:.0f} s"] = big["wait"] <= TARGET_LOCK_WAIT
            verdicts.append((shape, marks))
    print(
        "targets (the issue's, at 1M papers: 60 s for a snapshot, 80 s for page copies; scaled to N): "
        f"≤ {TARGET_RAW_RATIO}× raw executemany with FTS5, reload ≤ ⅓ of the first load, "
        f"RSS ≤ {TARGET_RSS_MB} MB and flat from N/5 to N; a reader's star (written every {STAR_EVERY} s "
        f"during a snapshot's load: the longest and the median wait, ms) waits ≤ {TARGET_LOCK_WAIT:.0f} s"
    )
    for shape, marks in verdicts:
        print(
            f"  {shape:<16}" + "  ".join(f"{name}: {'ok' if ok else 'MISSED'}" for name, ok in marks.items())
        )


if __name__ == "__main__":
    main()
