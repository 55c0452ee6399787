"""Copying and opening links, locally and over SSH."""

from __future__ import annotations

import contextlib
import os
import sys

from textual.app import App


def over_ssh() -> bool:
    return bool(os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY"))


def has_desktop_clipboard() -> bool:
    """A local desktop session, where pyperclip can reach the system clipboard."""
    if over_ssh():
        return False
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def copy_text(app: App, text: str) -> None:
    """Copy with OSC 52 (works in most terminals, over SSH too, and in `papershelf serve`'s
    browser, whose terminal takes it to the browser's clipboard) and, on a desktop, with pyperclip
    (not when serving: the desktop would be the server's).

    Neither can tell whether it worked, so the caller always shows what was copied.
    """
    app.copy_to_clipboard(text)
    if not app.is_web and has_desktop_clipboard():
        import pyperclip

        with contextlib.suppress(pyperclip.PyperclipException):
            pyperclip.copy(text)


def browser_available() -> bool:
    """Whether opening a link shows it in a browser: Python's `webbrowser` finds one, and outside
    macOS and Windows there is a desktop session or a `$BROWSER` (else `webbrowser` falls back on a
    text browser, which would take over the reader's terminal, or on none)."""
    if over_ssh():
        return False
    if sys.platform not in ("darwin", "win32") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("BROWSER")
    ):
        return False
    import webbrowser

    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True
