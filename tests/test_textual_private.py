"""What the reader relies on in Textual's private API (`tui.textual_private`) still behaves so:
each test here fails when an upgrade changes it."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import Reactive
from textual.scroll_view import ScrollView
from textual.widget import Widget
from textual.widgets import Input

from papershelf.tui.textual_private import KeyHook, set_virtual_size, virtual_size_without_layout


class Lines(ScrollView):
    pass


class Hooked(KeyHook, Widget, can_focus=True):
    BINDINGS = [Binding("x", "bound", "Bound")]

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    async def key_first(self, event: events.Key) -> bool:
        self.seen.append(event.key)
        return event.key == "x"  # taken: the binding must not run

    def action_bound(self) -> None:
        self.seen.append("bound")


class Harness(App[None]):
    def compose(self) -> ComposeResult:
        yield Lines()
        yield Hooked()


async def test_set_virtual_size_resizes_the_scrollbars_without_a_layout():
    app = Harness()
    async with app.run_test(size=(40, 10)) as pilot:
        lines = app.query_one(Lines)
        layouts = []
        real_refresh = app.screen.refresh

        def counting(*args, **kwargs):
            if kwargs.get("layout"):
                layouts.append(1)
            return real_refresh(*args, **kwargs)

        app.screen.refresh = counting  # type: ignore[method-assign]
        set_virtual_size(lines, Size(40, 1000))
        assert lines.virtual_size == Size(40, 1000)
        assert lines.max_scroll_y == 1000 - lines.scrollable_content_region.height
        lines.scroll_to(y=500, animate=False, immediate=True)
        await pilot.pause()
        assert lines.scroll_y == 500
        assert not layouts


async def test_the_key_hook_sees_keys_before_bindings_and_default_handling():
    app = Harness()
    async with app.run_test() as pilot:
        hooked = app.query_one(Hooked)
        hooked.focus()
        await pilot.press("x", "y")
        assert hooked.seen == ["x", "y"]  # "x" taken by the hook: its binding never ran


def test_an_input_re_declares_virtual_size_without_layout():
    declared = virtual_size_without_layout()
    assert isinstance(declared, Reactive) and not declared._layout
    # What it replaces: a reactive of Textual's own, on a class an Input inherits from.
    assert any(isinstance(cls.__dict__.get("virtual_size"), Reactive) for cls in Input.__mro__)
