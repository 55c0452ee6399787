"""`l`: the small fuzzy picker that puts the current paper in a list, or takes it out."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from papershelf.loaders.sanitize import terminal
from papershelf.loaders.text import clean_text, plural
from papershelf.tui.screens.dialog import AnswerInput, Dialog

IN_LIST = "✓"
NOT_IN_LIST = "·"


class ListPicker(Dialog[str | None]):
    """Type to narrow the lists, or to name a new one; `Enter` picks, `Esc` cancels.

    Answers the chosen list's name (a new name when none is called so). The reader adds the paper to
    a list it is not in, and takes it out of one it is in; or, for `tagged` papers, adds them all to
    a list, or takes them all out of one that holds them all (`containing`).
    """

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        # Priority: the focused input (a scroll view) binds Up/Down to scrolling, and its
        # bindings come before the dialog's.
        Binding("down", "move(1)", "Next", show=False, priority=True),
        Binding("up", "move(-1)", "Previous", show=False, priority=True),
    ]

    def __init__(
        self, paper_title: str, lists: list[tuple[str, int]], containing: list[str], tagged: int = 0
    ):
        super().__init__()
        self.paper_title = paper_title
        self.tagged = tagged
        self.lists = lists
        self.containing = {name.casefold() for name in containing}
        self._shown_for: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            if self.tagged:
                heading = f"Lists for the {plural(self.tagged, 'tagged paper')}"
                hint = "Enter adds them all, or takes all out (✓) · Esc cancels"
            else:
                heading = f"Lists for “{terminal(self.paper_title)}”"
                hint = "Enter adds to the list, or takes out (✓) · Esc cancels"
            yield Label(heading, markup=False, classes="title")
            yield AnswerInput(placeholder="type to narrow, or to name a new list", id="list-query")
            yield OptionList(id="list-options")
            yield Label(hint, classes="hint")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Input))  # at once: keys typed right after `l` are for it
        self.show_options("")

    @on(Input.Changed, "#list-query")
    def narrow(self, event: Input.Changed) -> None:
        self.show_options(event.value)

    def show_options(self, query: str) -> None:
        self._shown_for = query
        options = self.query_one(OptionList)
        options.clear_options()
        names = [name for name, _ in self.lists]
        counts = dict(self.lists)
        wanted = clean_text(query)
        if wanted:
            from rapidfuzz import fuzz, process

            # Like fzf: a list matches when it holds the typed letters in order; best first.
            names = [name for name in names if _in_order(wanted.casefold(), name.casefold())]
            names = [name for name, _, _ in process.extract(wanted, names, scorer=fuzz.WRatio, limit=None)]
        for name in names:
            mark = IN_LIST if name.casefold() in self.containing else NOT_IN_LIST
            options.add_option(Option(Content(f"{mark} {terminal(name)}  ({counts[name]})"), id=name))
        if wanted and wanted.casefold() not in {name.casefold() for name, _ in self.lists}:
            options.add_option(Option(Content(f"+ new list “{terminal(wanted)}”"), id=wanted))
        options.highlighted = 0 if options.option_count else None

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            options.highlighted = ((options.highlighted or 0) + step) % options.option_count

    def answer(self, value: str) -> None:
        """`Enter`: the highlighted list, for the text typed so far (its Changed may not have come)."""
        if value != self._shown_for:
            self.show_options(value)
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected, "#list-options")
    def pick(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


def _in_order(letters: str, text: str) -> bool:
    """Whether `text` holds every character of `letters`, in that order (spaces aside)."""
    rest = iter(text)
    return all(letter in rest for letter in letters if letter != " ")
