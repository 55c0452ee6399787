"""`papershelf serve` in a real browser: Debian's headless Chromium, driven through the DevTools
protocol, opens the served reader on 127.0.0.1, sees the sample's titles, filters, and stars.

What the page receives is recorded by a WebSocket wrapper injected before the page's scripts run
(the terminal draws to a canvas, so the text is read from the stream the reader sends it).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import LOCALHOST

pytest.importorskip("textual_serve", reason="textual-serve is not installed (the [web] extra)")
aiohttp = pytest.importorskip("aiohttp", reason="aiohttp (a dependency of textual-serve) is missing")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (Debian: apt install chromium chromium-driver)"
)
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)  # fmt: skip
RECORDER = """
(() => {
  window.__received = [];
  const decoder = new TextDecoder();
  const Native = window.WebSocket;
  window.WebSocket = function (...args) {
    const socket = new Native(...args);
    socket.addEventListener("message", (event) => {
      const data = event.data;
      if (typeof data === "string") window.__received.push(data);
      else if (data instanceof ArrayBuffer) window.__received.push(decoder.decode(data));
      else if (data instanceof Blob) data.text().then((text) => window.__received.push(text));
    });
    return socket;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, Native);
})();
"""
TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOCALHOST, 0))
        return probe.getsockname()[1]


def wait_for(condition, what: str, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((LOCALHOST, port)) == 0


class DevTools:
    """A minimal Chrome DevTools Protocol client over one page's WebSocket."""

    def __init__(self, websocket):
        self.websocket = websocket
        self.next_id = 0

    async def call(self, method: str, **params) -> dict:
        self.next_id += 1
        await self.websocket.send_str(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads((await self.websocket.receive(timeout=TIMEOUT)).data)
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message.get("result", {})

    async def evaluate(self, expression: str):
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    async def received(self) -> str:
        return await self.evaluate("(window.__received || []).join('')") or ""

    async def wait_received(self, text: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if text in await self.received():
                return
            await asyncio.sleep(0.25)
        raise AssertionError(f"the page never received {text!r}")

    async def type(self, text: str) -> None:
        for char in text:
            await self.call("Input.dispatchKeyEvent", type="keyDown", text=char, key=char)
            await self.call("Input.dispatchKeyEvent", type="keyUp", key=char)

    async def press_enter(self) -> None:
        key = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13}
        await self.call("Input.dispatchKeyEvent", type="keyDown", text="\r", **key)
        await self.call("Input.dispatchKeyEvent", type="keyUp", **key)


@pytest.fixture
def served(sample_store, db_path, tmp_path):
    """`papershelf serve` on a free port of 127.0.0.1, on the sample store."""
    port = free_port()
    env = {
        **os.environ,
        "PAPERSHELF_CACHE": str(tmp_path / "cache"),
        "PAPERSHELF_STATE": str(tmp_path / "st"),
    }
    command = [sys.executable, "-m", "papershelf.tui", "--db", str(db_path), "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: listening(port) or server.poll() is not None, "papershelf serve to listen")
        assert server.poll() is None, "papershelf serve exited"
        yield f"http://{LOCALHOST}:{port}/"
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def browser(tmp_path):
    """Headless Chromium with a fresh profile; yields its DevTools port."""
    profile = tmp_path / "chromium-profile"
    command = [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0"]
    chromium = subprocess.Popen(
        [*command, "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        active = profile / "DevToolsActivePort"
        wait_for(lambda: active.exists() and active.read_text().strip(), "Chromium's DevTools port")
        yield int(active.read_text().split()[0])
    finally:
        chromium.terminate()
        chromium.wait(10)


async def drive(page_url: str, devtools_port: int, store_path: Path) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://{LOCALHOST}:{devtools_port}/json/list") as answer:
            targets = await answer.json()
        page = next(t for t in targets if t["type"] == "page")
        async with session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as websocket:
            tools = DevTools(websocket)
            await tools.call("Page.enable")
            await tools.call("Page.addScriptToEvaluateOnNewDocument", source=RECORDER)
            await tools.call("Emulation.setDeviceMetricsOverride", width=1280, height=800,
                             deviceScaleFactor=1, mobile=False)  # fmt: skip
            await tools.call("Page.navigate", url=page_url)
            await tools.wait_received("Predicting the Order of Upcoming Tokens")  # the first screen
            await tools.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
            await tools.type("/kv cache diffusion")
            await tools.wait_received("kv cache diffusion")  # the filter shows what was typed
            await tools.press_enter()
            await asyncio.sleep(1)
            await tools.type("s")
            await wait_star(store_path)


async def wait_star(store_path: Path) -> None:
    import sqlite3

    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        with sqlite3.connect(store_path) as conn:
            rows = conn.execute("SELECT p.title FROM stars s JOIN papers p ON p.id = s.paper_id").fetchall()
        if rows:
            assert "KV Cache" in rows[0][0] or "Caching" in rows[0][0], rows
            return
        await asyncio.sleep(0.25)
    raise AssertionError("no paper was starred")


def test_the_served_reader_shows_filters_and_stars_in_chromium(served, browser, db_path):
    asyncio.run(drive(served, browser, db_path))
