"""A small, polite HTTP client for the live sources: timeouts, retries with backoff, spacing.

It retries what a busy service answers (429, 5xx, timeouts), waiting as `Retry-After` asks or
backing off exponentially, keeps a minimum interval between requests (arXiv asks for 3 seconds),
and turns every failure into a FetchError whose message is one line.
"""

from __future__ import annotations

import datetime
import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from papershelf.loaders.text import clean_text

if TYPE_CHECKING:
    import httpx  # imported when a client is made: `import httpx` imports rich when it is installed

USER_AGENT = "papershelf/0.1 (a terminal reader for research-paper listings)"
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
SNIPPET = 60
MAX_REDIRECTS = 5


class FetchError(Exception):
    """A request that failed for good, or an answer papershelf cannot read; the message is one line.

    Raised by a fetch function (`sources.fetch`), it carries what that fetch had stored before it
    failed as `report`.
    """

    report: Any = None


@dataclass(frozen=True)
class Politeness:
    """How hard the client tries and how gently it asks. Tests make these short."""

    timeout: float = 30.0  # seconds for each read; connecting gets at most 10
    retries: int = 4  # more attempts after the first, on 429, 5xx and timeouts
    backoff: float = 2.0  # the first wait when the service does not say; doubled each time
    max_wait: float = 120.0  # a longer Retry-After is not waited for: the fetch fails instead
    spacing: float = 0.0  # the least time between two requests
    deadline: float = 60.0  # seconds a request may take in all, its retries included
    max_bytes: int = 64 << 20  # the most an answer may hold once decompressed


class WebClient:
    """GET requests to one service (`base_url`), with the retries and spacing of `politeness`."""

    def __init__(
        self,
        base_url: str,
        politeness: Politeness | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        import httpx

        self.base_url = base_url.rstrip("/")
        self.host = urlsplit(self.base_url).netloc or self.base_url
        self.politeness = politeness = politeness or Politeness()
        self._sleep = sleep
        self._clock = clock
        self._last_request: float | None = None
        timeout = httpx.Timeout(politeness.timeout, connect=min(politeness.timeout, 10.0))
        # Redirects are followed by `_send`, to this host only: another host's papers are not stored.
        self._http = httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT}, follow_redirects=False)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> WebClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def get(self, path: str, params: dict[str, Any] | None = None) -> httpx.Response:
        """The answer to GET `path`, retried while the service is busy; FetchError when it fails."""
        import httpx

        # A timeout or a dropped connection may not happen again; a refused connection will.
        transient = (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError)
        url = self.base_url + path
        tries = self.politeness.retries + 1
        started = time.monotonic()
        for attempt in range(1, tries + 1):
            self._wait_turn()
            try:
                response = self._send(url, params, started)
            except httpx.ConnectError as error:
                raise FetchError(f"cannot reach {self.host} (offline?): {_reason(error)}") from None
            except transient as error:
                if attempt == tries or self._past(started):
                    raise FetchError(f"{self.host}: {_reason(error)} ({attempt} attempts)") from None
                self._back_off(attempt, None)
                continue
            except httpx.HTTPError as error:
                raise FetchError(f"cannot fetch from {self.host}: {_reason(error)}") from None
            if response.status_code not in RETRIED_STATUSES:
                break
            if attempt == tries or self._past(started):
                raise FetchError(f"{self.host} is busy or failing: {_status(response)} ({attempt} attempts)")
            self._back_off(attempt, response)
        if response.status_code >= 400:
            raise FetchError(f"{self.host}{path} answered {_status(response)}")
        return response

    def _send(self, url: str, params: dict[str, Any] | None, started: float) -> httpx.Response:
        """One GET, following redirects on this host, its body read whole within the deadline and
        the size cap."""

        request = self._http.build_request("GET", url, params=params)
        for _ in range(MAX_REDIRECTS + 1):
            response = self._http.send(request, stream=True)
            try:
                if not response.is_redirect:
                    return self._read_body(response, started)
                request = self._redirected(response)
            finally:
                response.close()
        raise FetchError(f"{self.host}: more than {MAX_REDIRECTS} redirects")

    def _redirected(self, response: httpx.Response) -> httpx.Request:
        following = response.next_request
        if following is None:
            raise FetchError(f"{self.host} answered a redirect without a location")
        if following.url.host != response.request.url.host:
            where = clean_text(str(following.url.host))[:SNIPPET]
            raise FetchError(f"{self.host} redirects to another host ({where}); not followed")
        return following

    def _read_body(self, response: httpx.Response, started: float) -> httpx.Response:
        import httpx

        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.politeness.max_bytes:
                limit = self.politeness.max_bytes
                raise FetchError(f"{self.host} answered more than {limit:,} bytes; not read")
            if self._past(started):
                raise FetchError(f"{self.host} took over {self.politeness.deadline:.0f} seconds to answer")
            chunks.append(chunk)
        decoded = ("content-encoding", "content-length")  # the body is kept decompressed
        headers = [(k, v) for k, v in response.headers.items() if k.lower() not in decoded]
        kept: dict[str, Any] = {
            name: response.extensions[name]
            for name in ("reason_phrase", "http_version")
            if name in response.extensions
        }
        body = b"".join(chunks)
        return httpx.Response(
            response.status_code, headers=headers, content=body, request=response.request, extensions=kept
        )

    def _past(self, started: float) -> bool:
        return time.monotonic() - started > self.politeness.deadline

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """The JSON answer to GET `path`; FetchError when the answer is something else."""
        response = self.get(path, params)
        try:
            return response.json()
        except ValueError:
            raise FetchError(f"{self.host}{path} answered {_what(response)}, not JSON") from None

    def get_text(self, path: str, params: dict[str, Any] | None = None) -> str:
        return self.get(path, params).text

    def _wait_turn(self) -> None:
        """Keep `spacing` seconds between the starts of two requests."""
        if self._last_request is not None:
            wait = self.politeness.spacing - (self._clock() - self._last_request)
            if wait > 0:
                self._sleep(wait)
        self._last_request = self._clock()

    def _back_off(self, attempt: int, response: httpx.Response | None) -> None:
        wait = retry_after(response) if response is not None else None
        if wait is None:
            wait = self.politeness.backoff * 2 ** (attempt - 1)
        elif wait > self.politeness.max_wait:
            raise FetchError(f"{self.host} asks to wait {wait:.0f} seconds before trying again")
        self._sleep(min(wait, self.politeness.max_wait))


def retry_after(response: httpx.Response) -> float | None:
    """The seconds `Retry-After` asks for (a number or an HTTP date), None when absent or unreadable."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return max(0.0, (when - datetime.datetime.now(datetime.UTC)).total_seconds())


def _status(response: httpx.Response) -> str:
    return f"HTTP {response.status_code} {clean_text(response.reason_phrase)}".rstrip()


def _what(response: httpx.Response) -> str:
    """What an answer looks like, for an error message: its type and its first characters."""
    kind = clean_text(response.headers.get("Content-Type", "no content type").split(";")[0])
    start = clean_text(response.text[: SNIPPET * 2])[:SNIPPET]
    return f"{kind} “{start}”" if start else f"{kind}, empty"


def _reason(error: Exception) -> str:
    return clean_text(str(error))[:200] or type(error).__name__
