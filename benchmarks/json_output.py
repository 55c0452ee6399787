"""What `sanitize.json_text` (every --json output, and backups) costs next to plain `json.dumps`.

    python -m benchmarks.json_output [--papers 20000] [--repeat 5]

Papers shaped like a backup's (a title with accents and symbols, a 900-character abstract, two
authors), one title in 500 holding a bidi override; then the same with Chinese titles and
abstracts. Prints the medians of --repeat runs of `json.dumps` (the baseline), of `json_text`, and
of escaping character by character (what `json_text` did first), indented as backups are and not.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable

from papershelf.loaders import sanitize


def papers(count: int, title: str, abstract: str) -> dict:
    authors = ["Ada Lovelace", "Émilie du Châtelet"]
    titles = (f"{title} {n}" + ("\u202e" if n % 500 == 0 else "") for n in range(count))
    records = [{"title": text, "abstract": abstract, "authors": authors} for text in titles]
    return {"papers": records}


def by_character(document: object, indent: int | None = None) -> str:
    text = json.dumps(document, ensure_ascii=False, indent=indent)
    if text.isprintable():
        return text
    escape = sanitize._json_escape
    return "".join(c if c.isprintable() or c == "\n" else escape(c) for c in text)


def plain(document: object, indent: int | None = None) -> str:
    return json.dumps(document, ensure_ascii=False, indent=indent)


def median_ms(write: Callable[..., str], document: object, indent: int | None, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        write(document, indent=indent)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    documents = {
        "latin": papers(options.papers, "Café naïve – ★ a realistic paper title", "x" * 900),
        "chinese": papers(options.papers, "测试论文标题" * 8, "这是摘要。" * 150),
    }
    for name, document in documents.items():
        for indent in (None, 1):
            assert sanitize.json_text(document, indent) == by_character(document, indent)
            baseline = median_ms(plain, document, indent, options.repeat)
            row = [f"{name:8} indent={indent!s:4} json.dumps {baseline:7.0f} ms"]
            for label, write in (("json_text", sanitize.json_text), ("by character", by_character)):
                took = median_ms(write, document, indent, options.repeat)
                row.append(f"{label} {took:7.0f} ms ({took / baseline:4.1f}×)")
            print("  ".join(row))


if __name__ == "__main__":
    main()
