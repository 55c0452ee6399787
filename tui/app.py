"""The papershelf reader: a thin App holding the store, the remembered settings and the screens."""

from __future__ import annotations

import datetime
import functools
import gc
import re
import threading
from pathlib import Path

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.worker import Worker, WorkerState

from papershelf.loaders import userdata
from papershelf.loaders.store.database import Store
from papershelf.loaders.text import clean_text, plural
from papershelf.loaders.userdata import lists
from papershelf.tui.screens.reader import ReaderScreen
from papershelf.tui.settings import Settings, settings_path
from papershelf.tui.shelf import Shelf

EXPORT_FORMATS = {".md": "markdown", ".bib": "bibtex", ".json": "json", ".jsonl": "jsonl", ".csv": "csv"}


@functools.cache
def freeze_imports() -> None:
    """Leave what was imported, which lives as long as the process, out of the collector's full
    passes: one would otherwise walk it all before the first screen (20–70 ms)."""
    gc.freeze()


def _commands():
    # Imported when the palette first opens, as help and export are when first used: the first
    # screen does not wait for them.
    from papershelf.tui.commands import PapershelfCommands

    return PapershelfCommands


class PapershelfApp(App[None]):
    """Skim papers, filter as you type, star what to read."""

    CSS_PATH = "app.tcss"
    TITLE = "papershelf"
    COMMANDS = App.COMMANDS | {_commands}
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
    ]

    def __init__(self, store: Store, settings_file: Path | None = None):
        freeze_imports()
        super().__init__()
        self.store = store
        self.settings_file = settings_file
        self.settings = Settings.load(settings_file) if settings_file else Settings()
        settings = self.settings
        self.shelf = Shelf(store, settings.view, settings.sort, settings.list_name, settings.unread_only)
        self.fetching: Worker | None = None
        self.stopping_fetch = threading.Event()

    def get_default_screen(self) -> ReaderScreen:
        # The reader is the app's first screen rather than one pushed over it: one screen composed
        # and laid out before the first frame, not two.
        return ReaderScreen(self.store, self.shelf, selected=self.settings.paper_id)

    def on_mount(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        self.theme_changed_signal.subscribe(self, lambda theme: self.remember(theme=theme.name))

    @property
    def reader(self) -> ReaderScreen:
        return next(s for s in self.screen_stack if isinstance(s, ReaderScreen))

    def remember(self, **changes: object) -> None:
        for name, value in changes.items():
            setattr(self.settings, name, value)
        if self.settings_file:
            self.settings.save(self.settings_file)

    async def action_quit(self) -> None:
        self.stop_fetch()
        self.remember(paper_id=self.reader.paper_list.paper_id)
        self.exit()

    def action_help(self) -> None:
        from papershelf.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # Used by the command palette --------------------------------------------------------------

    def sort_by(self, sort: str) -> None:
        self.reader.sort_by(sort)

    def show_view(self, view: str) -> None:
        self.reader.action_show_view(view)

    def papers_titled(self, query: str, limit: int) -> list[tuple[int, str, float]]:
        """Papers whose title matches `query`, best first, with a palette score (0–1)."""
        from papershelf.loaders.search.fuzzy import title_spans

        index = self.shelf.index
        if index is None or not query.strip():
            return []
        matches = index.fuzzy.search(query)
        ids = [int(i) for i in index.ids[matches.docs[: limit * 4]]]
        rows = self.shelf.browser.rows(ids)
        best = float(matches.scores[0]) if len(matches) else 1.0
        scores = matches.scores[: len(ids)].tolist()
        found = [(i, rows[i].title, score / best) for i, score in zip(ids, scores, strict=True)]
        return [hit for hit in found if title_spans(query, hit[1])][:limit]

    def jump_to(self, paper_id: int) -> None:
        self.reader.jump_to(paper_id)

    def ask_export(self) -> None:
        """Ask where to export the list shown: all papers, Starred, or one of the user's lists."""
        from papershelf.tui.screens.prompt import Prompt

        name = None if self.shelf.view == "all" else self.shelf.view_name
        slug = "-".join(re.findall(r"\w+", (name or "all").casefold())) or "list"
        self.push_screen(
            Prompt(
                f"Export “{name or 'All papers'}” to (.md, .bib, .json, .jsonl, .csv):",
                f"~/papershelf-{slug}.md",
            ),
            lambda answer: answer and self.export_list(name, answer),
        )

    def export_list(self, name: str | None, answer: str) -> None:
        """Write the list called `name` (None: every paper, in the shown sort) to the file `answer`."""
        from papershelf.loaders.export.formats import export

        title = name or "All papers"
        try:
            path = Path(answer).expanduser()
            if name is None:
                ids = [int(i) for i in self.shelf.browser.paper_ids(self.shelf.sort)]
            else:
                ids = lists.list_paper_ids(self.store, name)
            papers = userdata.annotate(self.store, self.store.papers(ids))
            format_ = EXPORT_FORMATS.get(path.suffix.lower(), "markdown")
            with path.open("w", encoding="utf-8", newline="") as out:
                count = export(papers, format_, out, title=title)
        except (OSError, RuntimeError, lists.UserDataError) as error:  # RuntimeError: ~nobody
            reason = getattr(error, "strerror", None) or str(error)
            self.notify(f"Could not export to {answer}: {reason}", severity="error", markup=False)
            return
        self.notify(f"Exported {plural(count, 'paper')} of “{title}” to {path} ({format_})", markup=False)

    def ask_load(self) -> None:
        from papershelf.tui.screens.prompt import Prompt

        self.push_screen(
            Prompt("Load a copied papers page, or a folder of them:", paths=True), self.load_path
        )

    def load_path(self, answer: str | None) -> None:
        if not answer:
            return
        try:
            self.load_in_background(Path(answer).expanduser())
        except RuntimeError as error:  # `~nobody/…`
            self.notify(f"Could not load {answer}: {error}", severity="error", markup=False)

    @work(thread=True, group="load")
    def load_in_background(self, path: Path) -> None:
        from papershelf.loaders.sources.load import load_paths

        with Store(self.store.path) as store:
            for outcome in load_paths(store, (path,)):
                severity = "error" if outcome.failed else "information"
                self.call_from_thread(self.notify, outcome.line(), severity=severity, markup=False)

    # Fetching from Hugging Face, with the reader showing progress ------------------------------

    def fetch_days(self, days: int) -> None:
        """Fetch the Hugging Face daily papers of the last `days` days (1: today, UTC)."""
        if self.fetching is not None:
            self.notify("A fetch is already running.", severity="warning", markup=False)
            return
        from papershelf.loaders.sources.fetch import today

        last = today()
        wanted = [last - datetime.timedelta(days=n) for n in reversed(range(days))]
        self.reader.fetch_progress(0, len(wanted))
        self.stopping_fetch.clear()
        self.fetching = self.fetch_in_background(wanted)

    def stop_fetch(self) -> None:
        self.stopping_fetch.set()

    @work(thread=True, group="fetch", exit_on_error=False)
    def fetch_in_background(self, days: list[datetime.date]) -> tuple[str, SeverityLevel]:
        from papershelf.loaders.sources.fetch import fetch_hf_daily
        from papershelf.loaders.sources.webclient import FetchError

        def progress(done: int, total: int) -> None:
            if self.stopping_fetch.is_set():
                raise FetchStopped  # between days: what was fetched so far stays stored
            self.call_from_thread(self.reader.fetch_progress, done, total)

        with Store(self.store.path) as store:
            try:
                report = fetch_hf_daily(store, days=days, on_progress=progress)
            except FetchError as error:
                return f"Fetch failed: {error}", "error"
            except FetchStopped:
                return "Fetch stopped; the days fetched before are kept.", "warning"
        message = report.summary()
        if not report.counts.found:
            message += " — Hugging Face lists none on weekends, nor early in the (UTC) day"
        return message, "information"

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is not self.fetching or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self.fetching = None
        self.reader.fetch_progress(None)
        self.reader.notice_outside_changes()
        if event.state == WorkerState.SUCCESS:
            message, severity = event.worker.result
        else:
            message, severity = f"Fetch failed: {event.worker.error}", "error"
        self.notify(clean_text(message), severity=severity, markup=False)


class FetchStopped(Exception):
    """The user stopped a fetch from the palette."""


def run(store: Store) -> None:
    """Open the reader on `store`; an empty store first gets the built-in sample."""
    if store.is_empty():
        from papershelf.loaders.sources.load import load_sample

        load_sample(store)
    PapershelfApp(store, settings_path(store.path)).run()
