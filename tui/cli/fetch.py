"""`papershelf fetch …` and `papershelf resolve`: papers from Hugging Face and arXiv.

The commands only pass their options on to `sources.fetch` and `sources.resolve`, show a progress
bar on a terminal when there is more than one page to fetch, and report failures in one line; with
`--json`, what they did as one JSON document (a failure's with its `error`, and still exit 1).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import click

from papershelf.loaders.text import plural
from papershelf.tui.cli.support import Failure, json_option, one_line, open_store, print_json

HF_ENV = "PAPERSHELF_HF_ENDPOINT"
ARXIV_ENV = "PAPERSHELF_ARXIV_ENDPOINT"
OAI_ENV = "PAPERSHELF_ARXIV_OAI_ENDPOINT"


def _check_endpoint(context: click.Context, parameter: click.Parameter, endpoint: str | None) -> str | None:
    """`endpoint` when it is an http(s) URL; Failure (one line, exit 1) when it is something else."""
    if endpoint is not None and not endpoint.startswith(("http://", "https://")):
        raise Failure(f"{parameter.opts[0]} is an http:// or https:// URL, not “{endpoint}”")
    return endpoint


def endpoint_option(name: str, envvar: str, service: str) -> Callable:
    """An option naming the server to ask, with an environment variable as its default."""
    return click.option(
        name,
        callback=_check_endpoint,
        metavar="URL",
        envvar=envvar,
        show_envvar=True,
        help=f"Ask this server instead of {service} (a mirror, a test server).",
    )


@click.group("fetch")
def fetch_group() -> None:
    """Fetch papers from Hugging Face or arXiv into the store.

    A paper already stored (same arXiv id, or same title for a page copy) is updated in place: it
    keeps its id, stars, lists and notes.
    """


@fetch_group.command("hf")
@click.option("--date", metavar="YYYY-MM-DD", help="One day (default: today, UTC).")
@click.option("--week", metavar="YYYY-Www", help="Every day of an ISO week, e.g. 2025-W24.")
@click.option("--month", metavar="YYYY-MM", help="Every day of a month.")
@click.option("--since", metavar="YYYY-MM-DD", help="Every day from this one to today.")
@endpoint_option("--endpoint", HF_ENV, "https://huggingface.co")
@json_option
@click.pass_obj
def fetch_hf(db_path: Path, endpoint: str | None, as_json: bool, **period: str | None) -> None:
    """Fetch Hugging Face daily papers (weekend days list none)."""
    from papershelf.loaders.sources.fetch import days_for, fetch_hf_daily

    try:
        days = days_for(period.get("date"), period.get("week"), period.get("month"), period.get("since"))
    except ValueError as error:
        raise Failure(str(error)) from None
    store = open_store(db_path)
    with _fetching("days", as_json) as on_progress:
        report = fetch_hf_daily(store, days=days, endpoint=endpoint, on_progress=on_progress)
    _report(report, as_json)


@fetch_group.command("hf-search")
@click.argument("query")
@click.option("--limit", type=click.IntRange(1, 100), default=50, show_default=True)
@endpoint_option("--endpoint", HF_ENV, "https://huggingface.co")
@json_option
@click.pass_obj
def fetch_hf_search(db_path: Path, query: str, limit: int, endpoint: str | None, as_json: bool) -> None:
    """Fetch what the Hugging Face paper search finds for QUERY."""
    from papershelf.loaders.sources.fetch import fetch_hf_search as search

    store = open_store(db_path)
    with _fetching("pages", as_json):
        report = search(store, query, limit, endpoint=endpoint)
    _report(report, as_json)


@fetch_group.command("arxiv")
@click.option("--query", help="An arXiv search, e.g. 'all:diffusion AND cat:cs.CV' (most relevant first).")
@click.option("--category", metavar="CATEGORY", help="The newest papers of a category, e.g. cs.CL.")
@click.option("--limit", type=click.IntRange(1, 2000), default=100, show_default=True)
@endpoint_option("--endpoint", ARXIV_ENV, "https://export.arxiv.org")
@json_option
@click.pass_obj
def fetch_arxiv(
    db_path: Path, query: str | None, category: str | None, limit: int, endpoint: str | None, as_json: bool
) -> None:
    """Fetch papers from the arXiv API: a search, or a category's newest. One request every 3 s."""
    from papershelf.loaders.sources.fetch import fetch_arxiv as fetch

    if bool(query) == bool(category):
        raise Failure("give --query or --category (one of them)")
    store = open_store(db_path)
    with _fetching("pages", as_json) as on_progress:
        report = fetch(store, query, category, limit, endpoint=endpoint, on_progress=on_progress)
    _report(report, as_json)


@fetch_group.command("arxiv-oai")
@click.option(
    "--set", "set_spec", metavar="SET", help="An OAI-PMH set: cs, math, physics:hep-th (default: all)."
)
@click.option(
    "--from",
    "start",
    metavar="YYYY-MM-DD",
    help="Records changed on or after (default: since the last harvest).",
)
@click.option("--until", metavar="YYYY-MM-DD", help="Records changed on or before.")
@endpoint_option("--endpoint", OAI_ENV, "https://oaipmh.arxiv.org/oai")
@json_option
@click.pass_obj
def fetch_arxiv_oai(
    db_path: Path,
    set_spec: str | None,
    start: str | None,
    until: str | None,
    endpoint: str | None,
    as_json: bool,
) -> None:
    """Harvest arXiv's OAI-PMH interface, page by page (one request every 3 s, as arXiv asks).

    Without --from and --until an interrupted harvest of the set continues, or one harvest asks for
    what changed since the last one finished. Each page is stored as it comes: Ctrl-C keeps them.
    """
    import datetime

    from papershelf.loaders.sources.oai import harvest

    for name, value in (("--from", start), ("--until", until)):
        try:
            if value is not None:
                datetime.date.fromisoformat(value)
        except ValueError:
            raise Failure(f"{name} expects YYYY-MM-DD, not “{value}”") from None
    store = open_store(db_path)
    with _fetching("records", as_json) as on_progress:
        report = harvest(store, set_spec, start, until, endpoint=endpoint, on_progress=on_progress)
    if as_json:
        _report(report, as_json)
        return
    resumed = " (an interrupted harvest, continued)" if report.resumed else ""
    since = f", changed since {report.since}" if report.since and not start else ""
    click.echo(report.summary() + since + resumed)


@click.command()
@click.option("--limit", type=click.IntRange(min=1), help="Look up at most this many papers.")
@endpoint_option("--hf-endpoint", HF_ENV, "https://huggingface.co")
@endpoint_option("--arxiv-endpoint", ARXIV_ENV, "https://export.arxiv.org")
@json_option
@click.pass_obj
def resolve(
    db_path: Path, limit: int | None, hf_endpoint: str | None, arxiv_endpoint: str | None, as_json: bool
) -> None:
    """Find the arXiv id, authors and links of papers that have no arXiv id, by their exact title.

    Hugging Face's search is asked first, arXiv's next; only an exact (normalized) title match is
    taken. A paper without one is left as it is.
    """
    from papershelf.loaders.sources.resolve import resolve as run_resolve

    store = open_store(db_path)
    with _fetching("papers", as_json) as on_progress:
        report = run_resolve(
            store, limit, hf_endpoint=hf_endpoint, arxiv_endpoint=arxiv_endpoint, on_progress=on_progress
        )
    _report(report, as_json)


@contextmanager
def _fetching(unit: str, as_json: bool = False) -> Iterator[Callable[[int, int], None]]:
    """Report progress (a bar on a terminal, when there is more than one step) and failures (with
    `as_json`, also as the JSON document of what was stored before)."""
    from papershelf.loaders.sources.webclient import FetchError

    with ExitStack() as stack:
        bar: Any = None

        def on_progress(done: int, total: int) -> None:
            nonlocal bar
            if bar is None and total > 1 and sys.stderr.isatty():
                bar = stack.enter_context(click.progressbar(length=total, label=unit, file=sys.stderr))
            if bar is not None:
                bar.update(done - bar.pos)

        try:
            with one_line():
                yield on_progress
        except FetchError as error:
            if as_json:
                print_json({**report_record(error.report), "error": str(error)})
            raise Failure(str(error) + _stored_before(error.report)) from None
        except KeyboardInterrupt:
            click.echo("papershelf: interrupted; what was fetched before is stored", err=True)
            sys.exit(130)


def _report(report: Any, as_json: bool) -> None:
    if as_json:
        print_json(report_record(report))
    else:
        click.echo(report.summary())


def report_record(report: Any) -> dict[str, Any]:
    """What a fetch, harvest or resolve did, for `--json` (nothing when no report came back)."""
    from papershelf.loaders.sources.resolve import ResolveReport

    if report is None:
        return {}
    if isinstance(report, ResolveReport):
        return {
            "looked_up": report.looked_up,
            "resolved": report.resolved,
            "not_found": report.not_found,
            "already_stored": [
                {"id": paper_id, "stored_as": other} for paper_id, other in report.already_stored.items()
            ],
        }
    counts = report.counts
    record = {"what": report.what, "papers": counts.found, "new": counts.new, "updated": counts.updated}
    record["pages"] = report.pages
    record["skipped"] = [{"title": item.title, "reason": item.reason} for item in report.skipped]
    for name in ("deleted", "resumed", "since"):  # a harvest's
        if hasattr(report, name):
            record[name] = getattr(report, name)
    return record


def _stored_before(report: Any) -> str:
    """What a failed fetch stored before failing, for its error message."""
    counts = getattr(report, "counts", None)
    resolved = getattr(report, "resolved", None)
    if counts is not None and counts.found:
        return f"; {plural(counts.found, 'paper')} from the pages before were stored"
    if resolved:
        return f"; {plural(len(resolved), 'paper')} resolved before were stored"
    return ""


COMMANDS = (fetch_group, resolve)
