"""The papershelf reader: a thin App that wires the state owner to the screens."""

from __future__ import annotations

import asyncio
import datetime
import threading
from pathlib import Path
from typing import cast

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.worker import Worker, WorkerState

from papershelf.loaders.sanitize import terminal
from papershelf.loaders.store.database import Store
from papershelf.tui.messages import Delivered, StateChanged
from papershelf.tui.screens.reader import ReaderScreen
from papershelf.tui.settings import Settings, settings_path
from papershelf.tui.state.owner import Change, ReaderState, freeze_long_lived


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

    def __init__(self, store: Store | Path, settings_file: Path | None = None):
        freeze_long_lived()
        super().__init__()
        store_path = store.path if isinstance(store, Store) else Path(store)
        settings = Settings.load(settings_file) if settings_file else Settings()
        self.state = ReaderState(store_path, settings, settings_file, self.deliver, self.changed, self.say)
        self.fetching: Worker | None = None
        self.stopping_fetch = threading.Event()

    def get_default_screen(self) -> ReaderScreen:
        # The reader is the app's first screen rather than one pushed over it: one screen composed
        # and laid out before the first frame, not two.
        return ReaderScreen(self.state)

    def on_mount(self) -> None:
        settings = self.state.settings
        if settings.theme in self.available_themes:
            self.theme = settings.theme
        self.theme_changed_signal.subscribe(self, lambda theme: self.state.remember(theme=theme.name))

    @property
    def reader(self) -> ReaderScreen:
        return next(s for s in self.screen_stack if isinstance(s, ReaderScreen))

    # What the state owner is given -----------------------------------------------------------

    def deliver(self, handle) -> None:
        """Run `handle` on the UI thread; called from any thread."""
        self.post_message(Delivered(handle))

    def on_delivered(self, message: Delivered) -> None:
        message.handle()

    def changed(self, change: Change) -> None:
        for screen in self.screen_stack:
            screen.post_message(StateChanged(change))

    def say(self, text: str, severity: str) -> None:
        level: SeverityLevel = severity if severity in ("information", "warning", "error") else "information"  # type: ignore[assignment]
        self.notify(terminal(text), severity=level, markup=False)

    def settled(self) -> bool:
        """Whether everything asked of the store and the threads is answered (for tests)."""
        return self.state.settled()

    # Keys ---------------------------------------------------------------------------------------

    async def action_quit(self) -> None:
        self.stop_fetch()
        unsaved = self.state.close()
        if unsaved:
            reason = (
                f"{unsaved} change{'s' if unsaved != 1 else ''} could not be saved: the store stayed locked"
            )
            self.exit(message=f"papershelf: error: {reason}")
        else:
            self.exit()

    def action_help(self) -> None:
        from papershelf.tui.screens.help import HelpScreen, reader_keys

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(reader_keys(type(self), type(self.reader))))

    # Used by the command palette --------------------------------------------------------------

    def sort_by(self, sort: str) -> None:
        self.state.sort_by(sort)

    def show_view(self, view: str) -> None:
        self.state.show_view(view)

    async def papers_titled(self, query: str, limit: int) -> list[tuple[int, str, float]]:
        """Papers whose title matches `query`, best first, with a palette score (0–1)."""
        from papershelf.loaders.search.fuzzy import title_spans

        index = self.state.shelf.index
        if index is None or not query.strip():
            return []
        matches = index.fuzzy.search(query)
        if matches is None:  # not asked to stop: never so
            return []
        ids = [int(i) for i in index.ids[matches.docs[: limit * 4]]]
        answer: asyncio.Future = asyncio.get_running_loop().create_future()
        self.state.rows_for(ids, answer.set_result)
        rows = await answer
        best = float(matches.scores[0]) if len(matches) else 1.0
        scores = matches.scores[: len(ids)].tolist()
        found = [(i, rows[i].title, score / best) for i, score in zip(ids, scores, strict=True) if i in rows]
        return [hit for hit in found if title_spans(query, hit[1])][:limit]

    def jump_to(self, paper_id: int) -> None:
        self.state.jump_to(paper_id)
        self.reader.paper_list.focus()

    def ask_export(self) -> None:
        """Ask where to export the papers shown (the view, sorted and filtered), or the tagged ones."""
        import re

        from papershelf.loaders.text import plural
        from papershelf.tui.screens.prompt import Prompt

        shelf, tagged = self.state.shelf, len(self.state.tags)
        name = None if shelf.view == "all" else shelf.view_name
        slug = "-".join(re.findall(r"\w+", (name or "all").casefold())) or "list"
        shown = (
            f"{len(shelf):,} of “{name or 'All papers'}”"
            if shelf.query.strip()
            else f"“{name or 'All papers'}”"
        )
        if tagged:  # the tagged papers, wherever they are shown
            slug, shown = "tagged", f"the {plural(tagged, 'tagged paper')}"
        served = " (on the server, and downloaded by your browser)" if self.is_web else ""
        self.push_screen(
            Prompt(
                f"Export {shown} to{served} (.md, .bib, .json, .jsonl, .csv, .ris):",
                f"~/papershelf-{slug}.md",
            ),
            self.export_to,
        )

    def export_to(self, answer: str | None) -> None:
        from papershelf.loaders.export.view import format_for

        if not answer:
            return
        try:
            path = Path(answer).expanduser()
            format_ = format_for(path, "markdown")
        except (RuntimeError, ValueError) as error:  # RuntimeError: `~nobody/…`
            self.say(f"Could not export to {answer}: {error}", "error")
            return
        self.state.export_shown(path, format_, self.deliver_export if self.is_web else None)

    def deliver_export(self, path: Path) -> None:
        """Served in a browser: the file written on the server is downloaded by the browser too."""
        self.deliver_text(path, save_filename=path.name, encoding="utf-8")

    def ask_load(self) -> None:
        from papershelf.tui.screens.prompt import Prompt

        self.push_screen(
            Prompt("Load a copied papers page, or a folder of them:", paths=True), self.load_path
        )

    def load_path(self, answer: str | None) -> None:
        if not answer:
            return
        try:
            path = Path(answer).expanduser()
        except RuntimeError as error:  # `~nobody/…`
            self.say(f"Could not load {answer}: {error}", "error")
            return
        self.state.load([path])

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

        with Store(self.state.store_path) as store:
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
        self.state.reread()
        if event.state == WorkerState.SUCCESS:
            message, severity = cast("tuple[str, SeverityLevel]", event.worker.result)
        else:
            message, severity = f"Fetch failed: {event.worker.error}", "error"
        self.say(message, severity)


class FetchStopped(Exception):
    """The user stopped a fetch from the palette."""


def run(store: Store) -> None:
    """Open the reader on `store`; an empty store first gets the built-in sample."""
    if store.is_empty():
        from papershelf.loaders.sources.load import load_sample

        load_sample(store)
    PapershelfApp(store.path, settings_path(store.path)).run()
