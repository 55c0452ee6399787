"""Generate large, realistic page copies from the built-in sample, deterministically.

    python -m benchmarks.generate OUT_DIR [--papers N] [--corpus realistic|sample]

writes compact.txt, spaced_metadata.txt and spaced.txt, N papers each. The realistic corpus
(`benchmarks.corpus`, the default) has a vocabulary that grows with the corpus as real text does;
the sample corpus recombines the sample's own titles and sentences, so its vocabulary stops at a
few thousand words (kept as the benchmarks' second row, and for tests that want it).
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Iterator
from pathlib import Path

from papershelf.loaders.models import Paper
from papershelf.loaders.sources.load import sample_files
from papershelf.loaders.sources.page import parse_page
from papershelf.loaders.sources.reading import open_text, read_lines

SHAPES = ("compact", "spaced_metadata", "spaced")
HEADERS = {
    "compact": "Get trending papers in your email inbox once a day!\n"
    "Get trending papers in your email inbox!\n",
    "spaced_metadata": "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\n"
    "byAK and the research community\n\nJun 18\n\n",
    "spaced": "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\n"
    "byAK and the research community\n\nJun 6\n\n",
}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ORGS = ("AGI-LAB-HF AGI Lab", "qualcomm Qualcomm", "meituan-longcat LongCat", "nvidia NVIDIA")


def sample_papers() -> list[Paper]:
    papers = []
    for path in sample_files():
        papers += [e for e in parse_page(read_lines(open_text(path))).entries if isinstance(e, Paper)]
    return papers


def generate_papers(count: int, seed: int = 7) -> Iterator[tuple[str, str, str | None]]:
    """(title, abstract, metadata block) triples: titles unique, abstracts of sample sentences."""
    rng = random.Random(seed)
    papers = sample_papers()
    heads = [p.title.split(":")[0] for p in papers]
    tails = [p.title.split(":", 1)[1].strip() if ":" in p.title else p.title for p in papers]
    sentences = [s for p in papers for s in re.split(r"(?<=\.) (?=[A-Z])", p.abstract)]
    seen: dict[str, int] = {}
    for _ in range(count):
        title = f"{rng.choice(heads)}: {rng.choice(tails)}"
        seen[title] = seen.get(title, 0) + 1
        if seen[title] > 1:
            title = f"{title} ({seen[title]})"
        abstract = " ".join(rng.choice(sentences) for _ in range(rng.randint(5, 11)))
        yield title, abstract, _metadata(rng)


def _metadata(rng: random.Random) -> str | None:
    if rng.random() < 0.1:
        return None
    who = f"  • {rng.randint(1, 30)} authors" if rng.random() < 0.85 else rng.choice(ORGS)
    date = f"{rng.choice(MONTHS)} {rng.randint(1, 28)}"
    if rng.random() < 0.6:
        date += f", {rng.randint(2019, 2026)}"
    if rng.random() < 0.5:
        date += f" {rng.randint(1, 300)}"
    return f"{who}\n·\n{date}"


CORPORA = ("realistic", "sample")


def entries(count: int, corpus: str = "sample") -> Iterator[tuple[str, str, str | None]]:
    """(title, abstract, metadata block) triples of `corpus`, `count` of them."""
    if corpus == "sample":
        return generate_papers(count)
    from benchmarks.corpus import page_entry, papers

    return (page_entry(paper) for paper in papers(count))


def write_shape(path: Path, shape: str, count: int, corpus: str = "sample") -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEADERS[shape])
        for index, (title, abstract, metadata) in enumerate(entries(count, corpus)):
            if shape == "compact":
                out.write(("Subscribe" if index == 0 else "") + f"{title}\n{abstract}\n")
            else:
                out.write(f"{title}\n\n{abstract}\n\n")
                if shape == "spaced_metadata" and metadata:
                    out.write(f"{metadata}\n\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--papers", type=int, default=50_000)
    parser.add_argument("--corpus", choices=CORPORA, default="realistic")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for shape in SHAPES:
        write_shape(args.out / f"{shape}.txt", shape, args.papers, args.corpus)
        print(args.out / f"{shape}.txt")


if __name__ == "__main__":
    main()
