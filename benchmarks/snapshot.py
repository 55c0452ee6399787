"""Generate a realistic arXiv metadata snapshot (JSON lines), deterministically.

    python -m benchmarks.snapshot OUT.json [--papers N] [--corpus sample|realistic]

Each line has the real snapshot's fields and shapes: new-style ids in order of month, old-style ids
for a share of the papers, titles and abstracts wrapped at 80 columns with arXiv's indentation and
TeX, authors with accented and non-Latin names, several categories, one to four versions, and
optional comments, journal references, DOIs and report numbers, as often as the real file has them.
Titles and abstracts are made of the built-in sample's own sentences.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from pathlib import Path

from benchmarks.generate import generate_papers

CATEGORIES = [
    "cs.CL",
    "cs.LG",
    "cs.AI",
    "cs.CV",
    "cs.IR",
    "cs.RO",
    "cs.SE",
    "cs.CR",
    "cs.DS",
    "stat.ML",
    "math.OC",
    "math.PR",
    "math.CO",
    "hep-th",
    "hep-ph",
    "gr-qc",
    "quant-ph",
    "astro-ph.CO",
    "astro-ph.GA",
    "cond-mat.mes-hall",
    "cond-mat.str-el",
    "physics.optics",
    "eess.SP",
    "eess.AS",
    "q-bio.NC",
    "econ.EM",
]
OLD_ARCHIVES = ("hep-th", "hep-ph", "astro-ph", "cond-mat", "math", "quant-ph", "gr-qc")
FIRST = [
    "Wei",
    "Maria",
    "José",
    "Zoë",
    "Aleksandr",
    "Hiroshi",
    "Ana",
    "Jürgen",
    "Siddharth",
    "Fatima",
    "Li",
    "Ömer",
    "Chloé",
    "Yuki",
    "Ngozi",
]
LAST = [
    "Zhang",
    "García",
    "Müller",
    "Nguyen",
    "Иванов",
    "Tanaka",
    "Smith",
    "Kowalski",
    "Dubois",
    "Østergaard",
    "Rossi",
    "Kim",
    "Çelik",
    "Patel",
]
TEX = (r"$\alpha$", r"$O(n \log n)$", r"\emph{et al.}", r"$\mathcal{L}_{\text{KL}}$", r"Schr\"odinger")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def records(count: int, seed: int = 11) -> Iterator[dict]:
    """`count` snapshot records, ids unique and in order."""
    rng = random.Random(seed)
    for n, (title, abstract, _) in enumerate(generate_papers(count, seed)):
        year = 2007 + n * 19 // max(count, 1)
        month = 1 + (n * 19 * 12 // max(count, 1)) % 12
        if rng.random() < 0.05:
            arxiv_id = f"{rng.choice(OLD_ARCHIVES)}/{(9_000_000 + n) % 10_000_000:07d}"  # unique: n is
        else:
            arxiv_id = f"{year % 100:02d}{month:02d}.{n:05d}"
        yield _record(rng, arxiv_id, year, month, title, abstract)


def _record(rng: random.Random, arxiv_id: str, year: int, month: int, title: str, abstract: str) -> dict:
    if rng.random() < 0.3:
        abstract = abstract.replace(" ", f" {rng.choice(TEX)} ", 1)
    authors = [(rng.choice(LAST), rng.choice(FIRST), "Jr" if rng.random() < 0.01 else "")]
    authors += [(rng.choice(LAST), rng.choice(FIRST), "") for _ in range(int(rng.expovariate(0.25)))]
    categories = rng.sample(CATEGORIES, k=1 + int(rng.expovariate(1.2)) % 4)
    versions = [_version(rng, v, year, month) for v in range(1, 2 + int(rng.expovariate(1.5)) % 4)]
    return {
        "id": arxiv_id,
        "submitter": f"{authors[0][1]} {authors[0][0]}",
        "authors": ", ".join(f"{first} {last}" for last, first, _ in authors),
        "title": "\n  ".join(_wrap(title, 78)),
        "comments": f"{rng.randint(4, 60)} pages, {rng.randint(1, 12)} figures"
        if rng.random() < 0.6
        else None,
        "journal-ref": f"Phys. Rev. D {rng.randint(50, 110)}, {rng.randint(1, 99999):05d} ({year})"
        if rng.random() < 0.2
        else None,
        "doi": f"10.{rng.randint(1000, 9999)}/{arxiv_id.replace('/', '.')}" if rng.random() < 0.25 else None,
        "report-no": f"CERN-TH-{year}-{rng.randint(1, 300):03d}" if rng.random() < 0.05 else None,
        "categories": " ".join(categories),
        "license": "http://creativecommons.org/licenses/by/4.0/" if rng.random() < 0.4 else None,
        "abstract": "  " + "\n".join(_wrap(abstract, 80)) + "\n",
        "versions": versions,
        "update_date": f"{min(year + len(versions) - 1, 2026)}-{month:02d}-{rng.randint(1, 28):02d}",
        "authors_parsed": [list(author) for author in authors],
    }


def _wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` columns, broken at spaces (textwrap took 80% of the time)."""
    lines: list[str] = []
    line: list[str] = []
    length = -1
    for word in text.split():
        if line and length + 1 + len(word) > width:
            lines.append(" ".join(line))
            line, length = [], -1
        line.append(word)
        length += 1 + len(word)
    if line:
        lines.append(" ".join(line))
    return lines


def _version(rng: random.Random, number: int, year: int, month: int) -> dict:
    day = rng.randint(1, 28)
    year = min(year + number - 1, 2026)
    stamp = f"{DAYS[rng.randrange(7)]}, {day} {MONTHS[month - 1]} {year} {rng.randint(0, 23):02d}:13:42 GMT"
    return {"version": f"v{number}", "created": stamp}


def write_snapshot(path: Path, count: int, seed: int = 11, corpus: str = "sample") -> None:
    """`count` records of `corpus`: the sample's sentences (this module's records), or the realistic
    corpus of `benchmarks.corpus`, whose vocabulary grows as real text does (several times slower)."""
    with open(path, "w", encoding="utf-8") as out:
        if corpus == "realistic":
            from benchmarks.corpus import arxiv_snapshot_line, papers

            out.writelines(arxiv_snapshot_line(paper) + "\n" for paper in papers(count))
            return
        for record in records(count, seed):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--corpus", choices=("sample", "realistic"), default="sample")
    args = parser.parse_args()
    write_snapshot(args.out, args.papers, corpus=args.corpus)
    print(args.out)


if __name__ == "__main__":
    main()
