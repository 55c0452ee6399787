"""The paper list: one line per paper, drawn from the shelf only for the lines on screen."""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import reactive, var
from textual.strip import Strip

from papershelf.loaders.sanitize import terminal
from papershelf.loaders.store.browse import ListRow
from papershelf.loaders.tex import render_tex
from papershelf.tui.state.owner import ReaderState
from papershelf.tui.textual_private import set_virtual_size
from papershelf.tui.widgets.contrast import readable_on
from papershelf.tui.widgets.in_order_keys import InOrderKeys
from papershelf.tui.widgets.line_view import LineView

STAR = "★"
UNREAD = "●"
TAG = "✓"
MARKS_WIDTH = 3  # the star, the unread mark, a space
TAG_WIDTH = 2  # the tag mark and a space, while some paper is tagged
DATE_WIDTH = 12  # at most: "Jun 18, 2026"
UPVOTES_WIDTH = 6  # at most: "▲12345"
ORGANIZATION_WIDTH = 17
ORGANIZATION_MIN_WIDTH = 90  # narrower lists keep their width for the title


class PaperList(InOrderKeys, LineView, can_focus=True):
    """A virtual list of the state's papers with a cursor; draws the rows it is given, a blank line
    for one still being read (the state says when it arrives). In the day sort a header line comes
    before each day's papers: the cursor (a paper's position) never rests on one."""

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False),
        Binding("k,up", "cursor_up", "Up", show=False),
        Binding("g,home", "first", "First", show=False),
        Binding("G,end", "last", "Last", show=False),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False),
    ]
    COMPONENT_CLASSES = {
        "paper-list--cursor",
        "paper-list--star",
        "paper-list--match",
        "paper-list--meta",
        "paper-list--read",
        "paper-list--unread",
        "paper-list--day",
        "paper-list--tag",
    }

    # No repaint of the whole list on a move: `watch_cursor` refreshes the two lines or scrolls.
    cursor: reactive[int] = reactive(0, always_update=True, init=False, repaint=False)
    highlighted: var[int | None] = var(None, init=False)
    """The id of the paper under the cursor (None: an empty list)."""

    def __init__(self, state: ReaderState, *, id: str | None = None):
        super().__init__(id=id)
        self.state = state
        self._styles: LineStyles | None = None
        self._held: list[events.Key] = []  # typed while what they are for is read

    async def key_first(self, event: events.Key) -> bool:
        if self.state.holding_keys:
            self._held.append(events.Key(event.key, event.character))
            return True
        return await super().key_first(event)

    def on_mount(self) -> None:
        self.view_changed()

    def view_changed(self, position: int | None = None) -> None:
        """The shown ids changed: resize, and move the cursor to `position` (None: where it is)."""
        self._size_to_shelf()
        self.refresh()
        self.move_to(self.cursor if position is None else position)
        self.release_held_keys()

    def release_held_keys(self) -> None:
        """Hand on the keys held while the state read what they are for, in the order typed."""
        if self.state.holding_keys:
            return
        held, self._held = self._held, []
        for key in held:
            self.post_message(key)

    def rows_changed(self, ids: frozenset[int] | None) -> None:
        """These papers' lines (None: every line) are to be drawn again."""
        if ids is None:
            self.refresh()
            return
        top = round(self.scroll_offset.y)
        for y in range(self.scrollable_content_region.height):
            _, position = self.at_line(top + y)
            paper_id = None if position is None else self.state.id_at(position)
            if paper_id is not None and paper_id in ids:
                self.refresh_line(top + y)

    def line_of(self, position: int) -> int:
        """The line the paper at `position` is drawn on (below its day's header, if any)."""
        days = self.state.days
        return days.line_of(position) if days else position

    def at_line(self, line: int) -> tuple[int | None, int | None]:
        """(the day whose header is on `line`, None), or (None, the position of the paper on it)."""
        days = self.state.days
        return days.at_line(line) if days else (None, line)

    def _paper_at_line(self, line: int) -> int:
        """The paper on `line`, or the first of the day whose header is on it."""
        day, position = self.at_line(max(0, line))
        days = self.state.days
        if day is not None and days is not None:
            return days.starts[day]
        return position or 0

    @property
    def paper_id(self) -> int | None:
        return self.state.id_at(self.cursor)

    def move_to(self, position: int) -> None:
        self.cursor = max(0, min(position, len(self.state) - 1))

    def watch_cursor(self, previous: int, cursor: int) -> None:
        height = self.scrollable_content_region.height
        top = round(self.scroll_offset.y)
        line = self.line_of(cursor)
        days = self.state.days
        # A day's first paper shows with its header; jumped to ([, ], a day chosen), at the top.
        first = line - 1 if days and days.starts[days.day_of(cursor)] == cursor else line
        if first < top or (first < line and abs(cursor - previous) > 1 and line >= top + height):
            self.scroll_to(y=first, animate=False, immediate=True)
        elif height and line >= top + height:
            self.scroll_to(y=line - height + 1, animate=False, immediate=True)
        else:
            self.refresh_line(self.line_of(previous))
            self.refresh_line(line)
        self.highlighted = self.paper_id

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self.state) - 1)

    def step_day(self, step: int) -> bool:
        """Move to the first paper of the next day (`step` 1) or the previous one (-1); False when
        the list is not in the day sort."""
        days = self.state.days
        if days is None:
            return False
        day = days.day_of(self.cursor) + step
        if 0 <= day < len(days):
            self.move_to(days.starts[day])
        else:
            self.notify(f"No {'next' if step > 0 else 'previous'} day shown.", markup=False)
        return True

    def action_page_down(self) -> None:
        self._page(1)

    def action_page_up(self) -> None:
        self._page(-1)

    def _page(self, pages: int) -> None:
        """Move a screen of lines (headers count: they take a line), at least one paper."""
        lines = pages * max(1, self.scrollable_content_region.height - 1)
        position = self._paper_at_line(self.line_of(self.cursor) + lines)
        if position == self.cursor:
            position += pages
        self.move_to(position)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and not self.pressed_on_scrollbar:
            self.move_to(self._paper_at_line(round(self.scroll_offset.y) + offset.y))

    def on_resize(self) -> None:
        self._size_to_shelf()
        self.move_to(self.cursor)  # the cursor in view at the new height (stacked at the start)

    def _size_to_shelf(self) -> None:
        """A line per paper shown (and per day in the day sort), as wide as the view."""
        days = self.state.days
        lines = days.line_count(len(self.state)) if days else len(self.state)
        set_virtual_size(self, Size(self.size.width, lines))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None

    def line_keys(self, lines: range) -> list[tuple]:
        top, cursor, styles = round(self.scroll_offset.y), self.cursor, self.line_styles()
        row, query, days, tags = self.state.row, self.state.shelf.query, self.state.days, self.state.tags
        at = [self.at_line(top + y) for y in range(self.scrollable_content_region.height or lines.stop)]
        # The columns of every line on screen, not only of those asked for: lines drawn apart
        # (a cursor move) line up with the others.
        shown = [row(p) for _, p in at if p is not None]
        columns = columns_for(shown, self.text_width, tagging=bool(tags))
        keys: list[tuple] = []
        for y in lines:
            day, position = at[y] if y < len(at) else self.at_line(top + y)
            if day is not None and days is not None:
                keys.append((days.label(day), styles))
                continue
            line_row = row(position or 0)
            tagged = line_row is not None and line_row.id in tags
            keys.append((line_row, position == cursor, query, styles, columns, tagged))
        return keys

    def draw_line(self, key: tuple, width: int) -> list[Segment]:
        if len(key) == 2:  # a day's header
            label, styles = key
            return day_header(label, width, styles)
        row, cursor, query, styles, columns, tagged = key
        if row is None:
            return [Segment(" " * width, styles.base)]
        return self.line_segments(row, width, styles, query, cursor=cursor, columns=columns, tagged=tagged)

    def line_styles(self) -> LineStyles:
        # Read once per focus change or restyle: `get_component_rich_style` is slow.
        if self._styles is None or self._styles.focused != self.has_focus:
            base = self.rich_style
            cursor = self.get_component_rich_style("paper-list--cursor", partial=not self.has_focus)
            # The cursor row and the matches stay readable (4.5:1) in every theme, focused or not.
            cursor_background = (base + cursor).bgcolor
            cursor = readable_on(base + cursor, cursor_background, base.color)
            match = self.get_component_rich_style("paper-list--match")
            day = self.get_component_rich_style("paper-list--day")
            self._styles = LineStyles(
                base,
                self.get_component_rich_style("paper-list--star"),
                readable_on(base + match, base.bgcolor, base.color),
                self.get_component_rich_style("paper-list--meta"),
                self.get_component_rich_style("paper-list--read"),
                readable_on(
                    base + self.get_component_rich_style("paper-list--unread"), base.bgcolor, base.color
                ),
                cursor,
                self.has_focus,
                readable_on(base + day, base.bgcolor, base.color),
                readable_on(
                    base + self.get_component_rich_style("paper-list--tag"), base.bgcolor, base.color
                ),
            )
        return self._styles

    def line_segments(
        self,
        row: ListRow,
        width: int,
        styles: LineStyles,
        query: str = "",
        cursor: bool = False,
        columns: Columns | None = None,
        tagged: bool = False,
    ) -> list[Segment]:
        """One paper's line, exactly `width` cells: the tag mark (while some paper is tagged), star,
        unread mark, title, then the date, upvotes and organization columns that `columns` gives
        room to (default: those this row has)."""
        if columns is None:
            columns = columns_for([row], width)
        details = ""
        if columns.date:
            details += " " + _fit(terminal(row.published_text or ""), columns.date)
        if columns.upvotes:
            details += f" {'▲' + str(row.upvotes) if row.upvotes is not None else '':>{columns.upvotes}}"
        if columns.organization:
            details += " " + _fit(terminal(row.organization or ""), columns.organization)
        marks_width = MARKS_WIDTH + columns.tag
        title_width = max(8, width - marks_width - cell_len(details))
        title = render_tex(terminal(row.title))
        spans: list[tuple[int, int]] = []
        if query:
            from papershelf.loaders.search.fuzzy import title_spans  # with the index, after the first screen

            spans = list(title_spans(query, title))
        title, padding = _truncate(title, title_width)
        base = styles.base + styles.cursor if cursor else styles.base

        def styled(style: Style) -> Style:
            return styles.base + style + styles.cursor if cursor else styles.base + style

        segments = [
            Segment(f"{TAG if tagged else ' ':<{columns.tag}}" if columns.tag else "", styled(styles.tag)),
            Segment(STAR if row.starred else " ", styled(styles.star)),
            Segment("  " if row.read else f"{UNREAD} ", styled(styles.unread)),
        ]
        plain = styled(styles.read) if row.read else base  # unread papers stay bright
        match = styled(styles.match)
        start = 0
        for span_start, span_end in _merged(spans, len(title)):
            if span_start > start:
                segments.append(Segment(title[start:span_start], plain))
            segments.append(Segment(title[span_start:span_end], match))
            start = span_end
        segments.append(Segment(title[start:] + padding, plain))
        segments.append(Segment(details, styled(styles.meta)))
        segments = [segment for segment in segments if segment.text]
        if title_width + marks_width + cell_len(details) != width:  # a pane too narrow for the details
            return list(Strip(segments).adjust_cell_length(width, base))
        return segments


class Columns(NamedTuple):
    """The widths of the metadata columns on screen; 0: no paper on screen has that field."""

    date: int
    upvotes: int
    organization: int
    tag: int = 0  # the tag mark's, while some paper is tagged


def columns_for(rows: list[ListRow | None], width: int, tagging: bool = False) -> Columns:
    """Room for a column only when some paper of `rows` has its field, as wide as the widest; and
    for the tag mark while some paper is tagged (`tagging`)."""
    dates = [cell_len(terminal(row.published_text)) for row in rows if row and row.published_text]
    votes = [len(str(row.upvotes)) + 1 for row in rows if row and row.upvotes is not None]
    organizations = [cell_len(terminal(row.organization)) for row in rows if row and row.organization]
    return Columns(
        min(max(dates, default=0), DATE_WIDTH),
        min(max(votes, default=0), UPVOTES_WIDTH),
        min(max(organizations, default=0), ORGANIZATION_WIDTH) if width >= ORGANIZATION_MIN_WIDTH else 0,
        TAG_WIDTH if tagging else 0,
    )


class LineStyles(NamedTuple):
    base: Style
    star: Style
    match: Style
    meta: Style
    read: Style
    unread: Style
    cursor: Style
    focused: bool
    day: Style
    tag: Style


def day_header(label: str, width: int, styles: LineStyles) -> list[Segment]:
    """A day's header, ` Jun 18 · 44 papers ────`, exactly `width` cells."""
    text = f" {label} "
    if cell_len(text) > width:
        text = set_cell_size(text, width)
    segments = [Segment(text, styles.base + styles.day)]
    if (rest := width - cell_len(text)) > 0:
        segments.append(Segment("─" * rest, styles.base + styles.meta))
    return segments


def _truncate(text: str, width: int) -> tuple[str, str]:
    """`text` cut to `width` cells with an ellipsis, else the padding that makes it `width` long."""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…", ""
    return text, " " * (width - length)


def _merged(spans: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Sorted, non-overlapping spans cut to `length` characters."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        start, end = max(0, start), min(end, length)
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _fit(text: str, width: int) -> str:
    if cell_len(text) <= width:
        return text + " " * (width - cell_len(text))
    fitted = Text(text)
    fitted.truncate(width, overflow="ellipsis", pad=True)
    return fitted.plain
