"""The papershelf reader: a thin App holding the store, the remembered settings and the screens."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import App
from textual.binding import Binding

from loaders.store import Store
from loaders.text import strip_controls
from tui.screens.reader import ReaderScreen
from tui.settings import Settings, settings_path
from tui.shelf import Shelf

EXPORT_FORMATS = {".md": "markdown", ".bib": "bibtex", ".json": "json", ".jsonl": "jsonl", ".csv": "csv"}
DEFAULT_EXPORT = "~/papershelf-starred.md"


def _commands():
    # Imported when the palette first opens, as help and export are when first used: the first
    # screen does not wait for them.
    from tui.commands import PapershelfCommands

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
        super().__init__()
        self.store = store
        self.settings_file = settings_file
        self.settings = Settings.load(settings_file) if settings_file else Settings()
        self.shelf = Shelf(store, view=self.settings.view, sort=self.settings.sort)

    def on_mount(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        self.theme_changed_signal.subscribe(self, lambda theme: self.remember(theme=theme.name))
        self.push_screen(ReaderScreen(self.store, self.shelf, selected=self.settings.paper_id))

    @property
    def reader(self) -> ReaderScreen:
        return next(s for s in self.screen_stack if isinstance(s, ReaderScreen))

    def remember(self, **changes: object) -> None:
        for name, value in changes.items():
            setattr(self.settings, name, value)
        if self.settings_file:
            self.settings.save(self.settings_file)

    async def action_quit(self) -> None:
        self.remember(paper_id=self.reader.paper_list.paper_id)
        self.exit()

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # Used by the command palette --------------------------------------------------------------

    def sort_by(self, sort: str) -> None:
        self.reader.sort_by(sort)

    def show_view(self, view: str) -> None:
        self.reader.action_show_view(view)

    def papers_titled(self, query: str, limit: int) -> list[tuple[int, str, float]]:
        """Papers whose title matches `query`, best first, with a palette score (0–1)."""
        from tui.fuzzy import title_spans

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
        from tui.screens.path_prompt import PathPrompt

        self.push_screen(
            PathPrompt("Export the starred papers to (.md, .bib, .json, .jsonl, .csv):", DEFAULT_EXPORT),
            self.export_starred,
        )

    def export_starred(self, answer: str | None) -> None:
        from loaders.export import export

        if not answer:
            return
        path = Path(answer).expanduser()
        format_ = EXPORT_FORMATS.get(path.suffix.lower(), "markdown")
        starred = self.shelf.browser.starred_ids()
        try:
            with path.open("w", encoding="utf-8", newline="") as out:
                count = export(self.store.papers([int(i) for i in starred]), format_, out)
        except OSError as error:
            self.notify(f"Could not write {path}: {error.strerror}", severity="error", markup=False)
            return
        self.notify(f"Exported {count} starred papers to {path} ({format_})", markup=False)

    def ask_load(self) -> None:
        from tui.screens.path_prompt import PathPrompt

        self.push_screen(PathPrompt("Load a copied papers page, or a folder of them:"), self.load_path)

    def load_path(self, answer: str | None) -> None:
        if answer:
            self.load_in_background(Path(answer).expanduser())

    @work(thread=True, group="load")
    def load_in_background(self, path: Path) -> None:
        from loaders.load import load_file
        from loaders.reading import InputError
        from tui.cli import expand_paths

        with Store(self.store.path) as store:
            for file in expand_paths((path,)):
                try:
                    message, severity = load_file(store, file).summary(), "information"
                except (InputError, OSError) as error:
                    message, severity = f"{file}: {error}", "error"
                self.call_from_thread(self.notify, strip_controls(message), severity=severity, markup=False)


def run(store: Store) -> None:
    """Open the reader on `store`; an empty store first gets the built-in sample."""
    if store.paper_count() == 0:
        from loaders.load import load_sample

        load_sample(store)
    PapershelfApp(store, settings_path(store.path)).run()
