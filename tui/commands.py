"""The command palette: sort, switch view, jump to a paper by title, export, load, fetch."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from papershelf.loaders.sanitize import terminal
from papershelf.loaders.search.fuzzy import title_spans
from papershelf.loaders.store.browse import SORT_LABELS
from papershelf.loaders.text import plural

if TYPE_CHECKING:
    from papershelf.tui.app import PapershelfApp

JUMP_HITS = 12
Command = tuple[str, Callable[[], object], str]


class PapershelfCommands(Provider):
    """Reader commands, and every paper's title as a place to jump to."""

    @property
    def reader_app(self) -> PapershelfApp:
        return cast("PapershelfApp", self.app)

    def commands(self) -> list[Command]:
        app = self.reader_app
        reader = app.reader
        commands: list[Command] = [
            (f"Sort by {label}", partial(app.sort_by, sort), f"order the list by {label}")
            for sort, label in SORT_LABELS.items()
        ]
        commands += [
            ("Reverse the order", reader.action_reverse_sort, f"now: {app.state.sort_label} (key -)"),
            (
                "Go to day…",
                reader.action_go_to_day,
                "a listing day of the papers shown, sorted by day ([ and ] for the previous and next)",
            ),
            ("Show all papers", partial(app.show_view, "all"), "the whole store"),
            ("Show starred papers", partial(app.show_view, "starred"), "the reading list, newest star first"),
            ("For you", partial(app.show_view, "foryou"), "papers ranked by your stars and lists, and why"),
            ("Similar papers", reader.action_similar, "the papers most like the one under the cursor (=)"),
            (
                "Export the list shown",
                app.ask_export,
                f"the {plural(len(app.state.tags), 'tagged paper')}, as Markdown, BibTeX, JSON or CSV"
                if app.state.tags
                else "as Markdown, BibTeX, JSON or CSV",
            ),
            ("Tag all shown", reader.action_tag_shown, "tag every paper shown, or untag them (T)"),
            ("Lists", reader.action_show_lists, "every list with its count: show, create, rename, delete"),
            (
                "Unread only",
                reader.action_toggle_unread_only,
                "hide the papers marked read, or show them again",
            ),
            ("Load a file", app.ask_load, "a copied papers page, or a folder of them"),
            ("Fetch today's papers", partial(app.fetch_days, 1), "Hugging Face daily papers (UTC day)"),
            (
                "Fetch this week's papers",
                partial(app.fetch_days, 7),
                "Hugging Face, the last 7 days",
            ),
            ("Keys", app.action_help, "every key of the reader"),
        ]
        if app.state.tags:
            commands.append(
                (
                    "Clear the tags",
                    reader.action_clear_tags,
                    f"untag the {plural(len(app.state.tags), 'tagged paper')} (Esc)",
                )
            )
        if app.state.sample.present:
            commands.append(
                ("Remove the sample", reader.ask_remove_sample, "the built-in papers (asks first)")
            )
        if app.fetching is not None:
            commands.append(("Stop fetching", app.stop_fetch, "keep the days fetched so far"))
        return commands

    async def discover(self) -> Hits:
        for name, callback, help_text in self.commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self.commands():
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
        for paper_id, title, score in await self.reader_app.papers_titled(query, JUMP_HITS):
            display = Content(terminal(title))
            for start, end in title_spans(query, title):
                display = display.stylize("bold underline", start, end)
            jump = partial(self.reader_app.jump_to, paper_id)
            yield Hit(score, display, jump, text=title, help="jump to this paper")
