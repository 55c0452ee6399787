"""Tagging papers (`t`, `T`) and the keys that then act on every tagged paper.

The reader screen builds on this one. The tags are the state owner's (`tui/state/tagging.py`);
while some papers are tagged, `s`, `l`, `m`, `y`, `Y`, `c` and the palette's export act on them
all, and Esc (when no similar or For-you view takes it) untags them.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding

from papershelf.loaders.models import Paper
from papershelf.loaders.sanitize import terminal
from papershelf.loaders.text import plural
from papershelf.tui.clipboard import copy_text
from papershelf.tui.screens.keeping import KeepingScreen
from papershelf.tui.widgets.paper_list import PaperList


class TaggingScreen(KeepingScreen):
    """`t` tags the paper under the cursor and moves down; `T` tags every paper shown, or untags
    them when all are tagged."""

    BINDINGS = [
        Binding("t", "tag", "Tag or untag, then down (s l m y c act on the tagged)", show=False),
        Binding("T", "tag_shown", "Tag every paper shown, or untag them", show=False),
    ]

    def action_tag(self) -> None:
        paper_id = self.state.id_at(self.cursor)
        if paper_id is None:
            self.notify("No paper selected.", severity="warning", markup=False)
            return
        self.state.tags.toggle(paper_id)
        self.query_one(PaperList).action_cursor_down()

    def action_tag_shown(self) -> None:
        self.state.tags.toggle_shown()

    def action_clear_tags(self) -> None:
        if not self.state.tags.clear():
            self.notify("No paper is tagged.", markup=False)

    # Acting on the tagged papers, while there are some ------------------------------------------

    def action_pick_list(self) -> None:
        if not self.state.tags:
            super().action_pick_list()
            return
        from papershelf.tui.screens.list_picker import ListPicker

        tags = self.state.tags

        def pick(in_all: list[str]) -> None:
            picker = ListPicker("", self.state.list_counts, in_all, tagged=len(tags))

            def picked(name: str | None) -> None:
                if name:
                    tags.put_in_list(name)

            self.app.push_screen(picker, picked)

        tags.lists_in_common(pick)

    def action_toggle_read(self) -> None:
        if not self.state.tags:
            super().action_toggle_read()
            return
        self.stop_reading_timer()
        self.state.tags.toggle_read()

    def star_tagged(self) -> None:
        self.state.tags.star()

    def copy_tagged(self, line: Callable[[Paper], str | None], what: str) -> None:
        """Copy a line of each tagged paper (those without one left out), one per line."""

        def copy(papers: list[Paper]) -> None:
            lines = [text for paper in papers if (text := line(paper))]
            if not lines:
                self.notify(f"No tagged paper has a {what}.", severity="warning", markup=False)
                return
            copy_text(self.app, "\n".join(lines))
            said = f"Copied the {what}s of {plural(len(lines), 'tagged paper')}"
            self.notify(terminal(f"{said}: {lines[0]}{' …' if len(lines) > 1 else ''}"), markup=False)

        self.state.tags.papers(copy)
