"""A deterministic corpus of arXiv-like papers whose vocabulary grows as real text does.

    python -m benchmarks.corpus [--papers 20000] [--seed 13]

prints the corpus's vocabulary at a quarter of N and at N papers beside Heaps' law (≈30·√tokens).

The old generator (`benchmarks.generate --corpus sample`) recombines the sample's sentences, so its
vocabulary stops at a few thousand words however many papers it makes; real abstracts meet new
acronyms, model names, numbers and compounds all the time, and an index tuned on the old corpus
hides costs that grow with the vocabulary. Here each paper has a title, an abstract of sentences,
authors, often an organisation, arXiv categories, dates, upvotes, sometimes code and a project
page, and an arXiv id (old style `hep-th/9901001` before April 2007, `0704.0001` and `1501.00001`
after), all drawn from one seed.

The API:
- `papers(count, seed)`: the papers, as `Paper` records, streamed;
- `page_entry(paper)`: a paper as the page-copy shapes of `benchmarks.generate` write it;
- `arxiv_snapshot_line(paper)`: a paper as one line of arXiv's metadata snapshot (JSON lines);
- `distinct_tokens(texts)`, `heaps_expected(tokens)`: the vocabulary the index sees, and the law.
"""

from __future__ import annotations

import argparse
import datetime
import json
from collections.abc import Iterable, Iterator

import numpy as np

from benchmarks import vocabulary
from benchmarks.vocabulary import TokenSource, mix, pseudo_word, words
from papershelf.loaders.models import Paper
from papershelf.loaders.search.fuzzy import TERM
from papershelf.loaders.sources.fields import shown_date

HEAPS_CONSTANT = 30.0
# The tails' offsets, calibrated so that distinct tokens ≈ 30·√tokens from 10,000 papers on.
TITLE_K, ABSTRACT_K, SURNAME_K = 700.0, 700.0, 400.0
TITLE_HEAD, ABSTRACT_HEAD = 0.7, 0.62
SMALL_WORDS = frozenset(words("a an and as at by for from in of on or the to via vs with"))
FIRST_NAMES = words(
    "Wei Jing Yang Xin Hao Yu Lei Min Jun Tao Ming Yan Hui Li Bo Chen Kai Yi Rui Jie Anna Maria David "
    "John Michael Sarah Laura Daniel Thomas Emma Lucas Sofia Ahmed Fatima Omar Priya Rahul Arjun Ananya "
    "Vikram Hiroshi Yuki Kenji Sakura Minjun Jiwoo Seoyeon Ivan Olga Dmitri Elena Pierre Camille Luca "
    "Giulia Jonas Lena Noah Mia Carlos Ana Mateo Valentina Kwame Amara Tunde Zainab Leila Reza Ali Sara"
)
SURNAMES = words(
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo Zheng Liang Kim "
    "Lee Park Choi Jung Tanaka Suzuki Sato Takahashi Nguyen Tran Singh Kumar Sharma Gupta Patel Smith "
    "Johnson Brown Jones Garcia Miller Davis Martinez Lopez Muller Schmidt Schneider Fischer Rossi Russo "
    "Ferrari Dubois Martin Bernard Ivanov Petrov Cohen Levi Silva Santos Oliveira Haddad Mensah Okafor"
)
ORGS = tuple(
    tuple(pair.split("="))
    for pair in words(
        "nvidia=NVIDIA google=Google meta-llama=Meta_Llama microsoft=Microsoft Qwen=Qwen "
        "deepseek-ai=DeepSeek qualcomm=Qualcomm allenai=Ai2 meituan-longcat=LongCat AGI-LAB-HF=AGI_Lab "
        "apple=Apple ibm-granite=IBM_Granite mistralai=Mistral_AI facebook=AI_at_Meta "
        "stanford=Stanford_AI_Lab baidu=Baidu tencent=Tencent OpenGVLab=OpenGVLab salesforce=Salesforce "
        "amazon=Amazon"
    )
)
# Primary categories by share (old-style ids are filed under the part before the dot).
CATEGORIES = tuple(
    (name, int(share))
    for name, share in (
        pair.split("=")
        for pair in words(
            "cs.CL=18 cs.LG=16 cs.CV=16 cs.AI=8 stat.ML=4 cs.RO=4 cs.IR=3 cs.CR=3 eess.AS=2 eess.IV=2 "
            "cs.SE=2 cs.HC=2 math.OC=2 cs.DC=2 hep-th=3 quant-ph=4 astro-ph.GA=3 cond-mat.stat-mech=2 "
            "math.PR=2 q-bio.NC=2"
        )
    )
)
FIRST_MONTH, LAST_MONTH = (1995, 1), (2026, 11)
NEW_STYLE = (2007, 4)  # the first month of `YYMM.NNNN` ids; five digits from 2015


def papers(count: int, seed: int = 13) -> Iterator[Paper]:
    """`count` arXiv-like papers, the same ones for the same seed, streamed in batches.

    Ids are unique; titles are unique (a repeated one gets the paper's model name after it)."""
    rng = np.random.default_rng(seed)
    titles_seen: set[int] = set()
    months = _Months()
    for start in range(0, count, 1000):
        yield from _batch(rng, months, titles_seen, min(1000, count - start))


def _sources() -> tuple[TokenSource, TokenSource]:
    from benchmarks.generate import sample_papers

    titles, abstracts = vocabulary.sample_counts(sample_papers())
    return TokenSource(titles, TITLE_HEAD, TITLE_K, 1), TokenSource(abstracts, ABSTRACT_HEAD, ABSTRACT_K, 2)


_SOURCES: tuple[TokenSource, TokenSource] | None = None


def _batch(rng: np.random.Generator, months: _Months, seen: set[int], size: int) -> Iterator[Paper]:
    global _SOURCES
    if _SOURCES is None:
        _SOURCES = _sources()
    title_source, abstract_source = _SOURCES
    title_lengths = rng.integers(5, 14, size)
    sentence_counts = rng.integers(5, 11, size)
    sentence_lengths = rng.integers(9, 30, int(sentence_counts.sum()))
    title_words = title_source.draw(rng, int(title_lengths.sum()))
    abstract_words = abstract_source.draw(rng, int(sentence_lengths.sum()))
    draws = _Draws(rng, size)
    t = a = s = 0
    for n in range(size):
        title = _title(draws.named[n], title_words[t : t + title_lengths[n]])
        t += title_lengths[n]
        sentences = []
        for length in sentence_lengths[s : s + sentence_counts[n]]:
            sentences.append(_sentence(abstract_words[a : a + length]))
            a += length
        s += sentence_counts[n]
        if hash(title) in seen:
            title += f" ({pseudo_word(mix(len(seen)), 2).capitalize()})"
        seen.add(hash(title))
        yield draws.paper(n, months, title, " ".join(sentences))


def _title(named: bool, words: list[str]) -> str:
    cased = [w if w in SMALL_WORDS and i else w[:1].upper() + w[1:] for i, w in enumerate(words)]
    if named and len(cased) > 3:  # "Name: what it does"
        return f"{cased[0]}: {' '.join(cased[1:])}"
    return " ".join(cased)


def _sentence(words: list[str]) -> str:
    words = list(words)
    words[0] = words[0][:1].upper() + words[0][1:]
    if len(words) > 12:
        words[len(words) // 2] += ","
    return " ".join(words) + "."


class _Months:
    """Publication months weighted as arXiv grew (≈9 % a year), with a counter each for the ids."""

    def __init__(self) -> None:
        first, last = FIRST_MONTH[0] * 12 + FIRST_MONTH[1] - 1, LAST_MONTH[0] * 12 + LAST_MONTH[1] - 1
        self.months = np.arange(first, last + 1)
        weights = 1.09 ** ((self.months - first) / 12)
        self.cumulative = np.cumsum(weights / weights.sum())
        self.counters: dict[tuple[int, str], int] = {}

    def next_id(self, month: int, archive: str, day: int) -> tuple[str, datetime.date]:
        """An unused arXiv id of `month` and the date of its `day`."""
        year, month_of_year = divmod(month, 12)
        month_of_year += 1
        old = (year, month_of_year) < NEW_STYLE
        key = (month, archive if old else "")
        number = self.counters.get(key, 0) + 1
        self.counters[key] = number
        yymm = f"{year % 100:02d}{month_of_year:02d}"
        if old:
            arxiv_id = f"{archive}/{yymm}{number:03d}"
        else:
            arxiv_id = f"{yymm}.{number:05d}" if year >= 2015 else f"{yymm}.{number:04d}"
        return arxiv_id, datetime.date(year, month_of_year, day)


_CATEGORY_WEIGHTS = np.array([w for _, w in CATEGORIES], dtype=float) / sum(w for _, w in CATEGORIES)


def _org(pair: tuple[str, ...]) -> tuple[str, str]:
    return pair[0], pair[1].replace("_", " ")


class _Draws:
    """The random choices of a batch of papers beyond their text, drawn at once (numpy is fast in
    bulk and slow per call)."""

    def __init__(self, rng: np.random.Generator, size: int):
        self.named = rng.random(size) < 0.45
        self.primary = rng.choice(len(CATEGORIES), size, p=_CATEGORY_WEIGHTS)
        self.cross = rng.integers(0, len(CATEGORIES), (size, 2))
        self.cross_count = rng.integers(0, 3, size)
        self.author_count = np.minimum(rng.geometric(0.16, size), 40)
        self.org = np.where(rng.random(size) < 0.35, np.minimum(rng.zipf(1.6, size), len(ORGS)) - 1, -1)
        self.month = rng.random(size)
        self.day = rng.integers(1, 29, size)
        self.listed = rng.integers(0, 3, size)
        self.upvotes = np.where(rng.random(size) < 0.7, rng.geometric(0.08, size) - 1, -1)
        self.code = rng.random(size) < 0.3
        self.project = rng.random(size) < 0.1
        authors = int(self.author_count.sum())
        self.first = rng.integers(0, len(FIRST_NAMES), authors)
        self.known = rng.random(authors) < 0.55
        self.surname = np.minimum(rng.zipf(1.3, authors), len(SURNAMES)) - 1
        self.made = np.floor(SURNAME_K * (1.0 / (1.0 - rng.random(authors)) - 1.0)).astype(np.int64)
        self.author_at = np.concatenate([[0], np.cumsum(self.author_count)])

    def paper(self, n: int, months: _Months, title: str, abstract: str) -> Paper:
        primary = CATEGORIES[self.primary[n]][0]
        cross = [CATEGORIES[c][0] for c in self.cross[n, : self.cross_count[n]]]
        month = int(
            months.months[min(np.searchsorted(months.cumulative, self.month[n]), len(months.months) - 1)]
        )
        arxiv_id, published = months.next_id(month, primary.split(".")[0], int(self.day[n]))
        authors = [self._author(i) for i in range(self.author_at[n], self.author_at[n + 1])]
        org = _org(ORGS[self.org[n]]) if self.org[n] >= 0 else None
        listed = published + datetime.timedelta(days=int(self.listed[n]))
        handle = pseudo_word(mix(n + 31 * len(months.counters)), 2)
        return Paper(
            title=title,
            abstract=abstract,
            authors=authors,
            authors_count=len(authors),
            org_id=org[0] if org else None,
            org_name=org[1] if org else None,
            categories=list(dict.fromkeys([primary, *cross])),
            published=published.isoformat(),
            published_text=shown_date(published.isoformat()),
            listing_date=listed.isoformat(),
            upvotes=int(self.upvotes[n]) if self.upvotes[n] >= 0 else None,
            arxiv_id=arxiv_id,
            github_repo=f"https://github.com/{handle}/{title.split()[0].strip(':').lower()}"
            if self.code[n]
            else None,
            project_page=f"https://{handle}.github.io/" if self.project[n] else None,
        )

    def _author(self, i: int) -> str:
        first = FIRST_NAMES[self.first[i]]
        if self.known[i]:
            return f"{first} {SURNAMES[self.surname[i]]}"
        rank = int(self.made[i])
        return f"{first} {pseudo_word(mix(rank * 2 + 7), 1 + rank % 3).capitalize()}"


def page_entry(paper: Paper) -> tuple[str, str, str | None]:
    """(title, abstract, metadata paragraph) as `benchmarks.generate.write_shape` writes them: the
    metadata holds the organisation or the author count, and the date with its upvotes."""
    who = f"{paper.org_id} {paper.org_name}" if paper.org_id else f"  • {paper.authors_count} authors"
    date = paper.published_text or ""
    if paper.upvotes is not None:
        date += f" {paper.upvotes}"
    return paper.title, paper.abstract, f"{who}\n·\n{date}"


def arxiv_snapshot_line(paper: Paper) -> str:
    """`paper` as one JSON line of arXiv's metadata snapshot (arxiv-metadata-oai-snapshot.json):
    authors as one string and parsed, categories space-separated, title and abstract wrapped the
    way the snapshot wraps them, versions with RFC 2822 dates."""
    authors = paper.authors or []
    created = datetime.date.fromisoformat(paper.published or "2020-01-01")
    record = {
        "id": paper.arxiv_id,
        "submitter": authors[0] if authors else None,
        "authors": ", ".join(authors[:-1]) + (" and " if len(authors) > 1 else "") + authors[-1]
        if authors
        else "",
        "title": _wrap(paper.title, 70, ""),
        "comments": None,
        "journal-ref": None,
        "doi": paper.doi,
        "report-no": None,
        "categories": " ".join(paper.categories or []),
        "license": None,
        "abstract": "  " + _wrap(paper.abstract, 78, "") + "\n",
        "versions": [{"version": "v1", "created": created.strftime("%a, %-d %b %Y 12:00:00 GMT")}],
        "update_date": paper.listing_date or created.isoformat(),
        "authors_parsed": [[*reversed(a.split(" ", 1)), ""] for a in authors],
    }
    return json.dumps(record, ensure_ascii=False)


def _wrap(text: str, width: int, indent: str) -> str:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return ("\n" + indent).join([*lines, line]) if line else ""


def distinct_tokens(texts: Iterable[str]) -> tuple[int, int]:
    """(tokens, distinct tokens) of `texts`, as the search index splits and lowers them."""
    seen: set[str] = set()
    total = 0
    for text in texts:
        tokens = TERM.findall(text.lower())
        total += len(tokens)
        seen.update(tokens)
    return total, len(seen)


def heaps_expected(tokens: int) -> float:
    """The distinct tokens Heaps' law expects of arXiv-like text of `tokens` tokens."""
    return HEAPS_CONSTANT * tokens**0.5


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--papers", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    made = list(papers(args.papers, args.seed))
    for n in (args.papers // 4, args.papers):
        tokens, distinct = distinct_tokens(f"{p.title} {p.abstract}" for p in made[:n])
        print(
            f"{n:>9,} papers: {tokens:>12,} tokens, {distinct:>9,} distinct (Heaps 30·√tokens: "
            f"{heaps_expected(tokens):,.0f}, ratio {distinct / heaps_expected(tokens):.2f})"
        )


if __name__ == "__main__":
    main()
