"""The HTTP client: retries on 429 and 5xx as Retry-After asks, backoff, spacing, one-line errors."""

from __future__ import annotations

import email.utils
import socket
import time

import httpx
import pytest

from conftest import DATA, LOCALHOST
from papershelf.loaders.sources.webclient import FetchError, Politeness, WebClient, retry_after

pytestmark = pytest.mark.usefixtures("only_localhost")


class FakeTime:
    """A clock that moves only when slept on, and remembers every sleep."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def client(httpserver, fake_time):
    politeness = Politeness(timeout=2.0, retries=2, backoff=1.0, max_wait=60.0)
    with WebClient(httpserver.url_for(""), politeness, fake_time.sleep, fake_time.clock) as client:
        yield client


def test_a_429_is_retried_after_the_time_it_asks_for(httpserver, client, fake_time):
    httpserver.expect_ordered_request("/api").respond_with_data("slow down", 429, {"Retry-After": "7"})
    httpserver.expect_ordered_request("/api").respond_with_json([{"ok": 0}])
    assert client.get_json("/api") == [{"ok": 0}]
    assert fake_time.sleeps == [7.0]
    httpserver.check_assertions()


def test_5xx_without_retry_after_backs_off_exponentially(httpserver, client, fake_time):
    httpserver.expect_ordered_request("/api").respond_with_data("", 503)
    httpserver.expect_ordered_request("/api").respond_with_data("", 500)
    httpserver.expect_ordered_request("/api").respond_with_json({"ok": 1})
    assert client.get_json("/api") == {"ok": 1}
    assert fake_time.sleeps == [1.0, 2.0]


def test_a_service_that_keeps_failing_is_one_line_after_the_last_attempt(httpserver, client):
    httpserver.expect_request("/api").respond_with_data("oops", 500)
    with pytest.raises(FetchError) as caught:
        client.get_json("/api")
    assert str(caught.value) == (
        f"{LOCALHOST}:{httpserver.port} is busy or failing: HTTP 500 INTERNAL SERVER ERROR (3 attempts)"
    )
    assert len(httpserver.log) == 3


def test_a_wait_longer_than_the_longest_is_not_waited_for(httpserver, client, fake_time):
    httpserver.expect_request("/api").respond_with_data("", 429, {"Retry-After": "3600"})
    with pytest.raises(FetchError, match="asks to wait 3600 seconds before trying again"):
        client.get("/api")
    assert fake_time.sleeps == []


def test_retry_after_as_an_http_date():
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 < retry_after(httpx.Response(429, headers={"Retry-After": later})) <= 30
    assert retry_after(httpx.Response(429, headers={"Retry-After": "soon"})) is None
    assert retry_after(httpx.Response(429)) is None


def test_a_client_error_is_not_retried(httpserver, client):
    httpserver.expect_request("/missing").respond_with_data("no", 404)
    with pytest.raises(FetchError, match=r"/missing answered HTTP 404 NOT FOUND$"):
        client.get("/missing")
    assert len(httpserver.log) == 1


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        ('[{"paper": {"id": "2506', "application/json", "application/json “.{20,}”, not JSON"),
        ((DATA / "hf_error.html").read_text(), "text/html", "text/html “<!DOCTYPE html> <html"),
        ("", "application/json", "application/json, empty, not JSON"),
    ],
)
def test_an_answer_that_is_not_json_is_one_line(httpserver, client, body, content_type, message):
    httpserver.expect_request("/api").respond_with_data(body, content_type=content_type)
    with pytest.raises(FetchError, match=message) as caught:
        client.get_json("/api")
    assert "\n" not in str(caught.value)


def test_nothing_listening_is_offline():
    with socket.socket() as probe:
        probe.bind((LOCALHOST, 0))
        port = probe.getsockname()[1]
    with WebClient(f"http://{LOCALHOST}:{port}") as client, pytest.raises(FetchError) as caught:
        client.get("/api")
    assert str(caught.value).startswith(f"cannot reach {LOCALHOST}:{port} (offline?): ")


def test_a_slow_answer_times_out_after_each_attempt(httpserver):
    httpserver.expect_request("/slow").respond_with_handler(lambda request: time.sleep(0.6))
    politeness = Politeness(timeout=0.2, retries=1, backoff=0.0)
    with WebClient(httpserver.url_for(""), politeness) as client, pytest.raises(FetchError) as caught:
        client.get("/slow")
    assert str(caught.value).endswith("(2 attempts)")


def test_requests_are_spaced(httpserver, fake_time):
    httpserver.expect_request("/api").respond_with_json([])
    politeness = Politeness(spacing=3.0)
    with WebClient(httpserver.url_for(""), politeness, fake_time.sleep, fake_time.clock) as client:
        client.get("/api")
        fake_time.now += 1.0  # a second goes by
        client.get("/api")
        client.get("/api")
    assert fake_time.sleeps == [2.0, 3.0]


def test_the_guard_refuses_every_other_host():
    with pytest.raises(pytest.fail.Exception, match=r"only 127\.0\.0\.1 is allowed"):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)
    with pytest.raises(pytest.fail.Exception, match=r"tried to look up 'huggingface\.co'"):
        socket.getaddrinfo("huggingface.co", 443)
    with pytest.raises(pytest.fail.Exception, match=r"only 127\.0\.0\.1 is allowed"), socket.socket() as sock:
        sock.connect(("10.0.0.1", 80))
