"""Screenshots of HTML letters at a phone's and a desktop's width, with a check for overflow.

    python tools/screenshots.py outbox/2026-W48 [more folders or .html files] [--out screenshots]

Each letter is opened in headless Chromium at 375 px and 1,000 px wide; a full-page PNG of each is
written to ``--out`` and the page's ``document.documentElement.scrollWidth`` is compared with the
window's width: a wider page scrolls sideways, which on a phone means a letter nobody reads to the
end. The exit status is 1 when any letter overflows.

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``: JSON
messages ending in a NUL byte, written to its fd 3 and read from its fd 4), because a headless
window cannot be made narrower than 500 px from the command line; the protocol's device metrics
can. No library beyond the standard one is needed.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WIDTHS = (375, 1000)
TIMEOUT_SECONDS = 60  # for one answer of Chromium's: a hung browser fails, not hangs
_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")


def find_chromium() -> str | None:
    return next((path for name in _BROWSERS if (path := shutil.which(name))), None)


@dataclass(frozen=True)
class Shot:
    letter: Path
    width: int  # the window's width in CSS pixels
    scroll_width: int  # document.documentElement.scrollWidth
    png: Path

    @property
    def overflows(self) -> bool:
        return self.scroll_width > self.width


class DevTools:
    """One headless Chromium, spoken to over its DevTools pipe; a context manager."""

    def __init__(self, browser: str) -> None:
        self.browser = browser
        self.next_id = 0

    def __enter__(self) -> DevTools:
        to_chrome_read, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_write = os.pipe()
        # Above fd 4, so that moving one end to 3 or 4 in the child cannot clobber the other.
        child_ends = [
            fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_chrome_read, from_chrome_write)
        ]
        for fd in (to_chrome_read, from_chrome_write):
            os.close(fd)
        self.profile = tempfile.mkdtemp(prefix="capaian-chromium-")
        # Chromium reads commands on fd 3 and writes replies on fd 4.
        self.process = subprocess.Popen(
            [
                self.browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                f"--user-data-dir={self.profile}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            pass_fds=(3, 4),
            preexec_fn=lambda: (os.dup2(child_ends[0], 3), os.dup2(child_ends[1], 4)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for fd in child_ends:
            os.close(fd)
        self.buffer = b""
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError, RuntimeError):
            self.call("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.to_chrome)
        os.close(self.from_chrome)
        shutil.rmtree(self.profile, ignore_errors=True)

    def _messages(self) -> Iterator[dict[str, Any]]:
        while True:
            while b"\0" not in self.buffer:
                ready, _, _ = select.select([self.from_chrome], [], [], TIMEOUT_SECONDS)
                if not ready:
                    raise RuntimeError(f"Chromium did not answer within {TIMEOUT_SECONDS} s")
                chunk = os.read(self.from_chrome, 65536)
                if not chunk:
                    raise RuntimeError("Chromium closed its DevTools pipe")
                self.buffer += chunk
            message, self.buffer = self.buffer.split(b"\0", 1)
            yield json.loads(message)

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one command and return its result (events that arrive meanwhile are dropped)."""
        self.next_id += 1
        command: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session:
            command["sessionId"] = session
        os.write(self.to_chrome, json.dumps(command).encode() + b"\0")
        for message in self._messages():
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
        raise AssertionError("unreachable")

    def wait_for(self, event: str, session: str) -> None:
        for message in self._messages():
            if message.get("method") == event and message.get("sessionId") == session:
                return

    def page(self) -> str:
        """A new tab; returns the session that drives it."""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        return self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]


def _evaluate(tools: DevTools, session: str, expression: str) -> Any:
    reply = tools.call("Runtime.evaluate", session, expression=expression, returnByValue=True)
    return reply["result"]["value"]


def shoot(tools: DevTools, letter: Path, width: int, out: Path) -> Shot:
    """Open ``letter`` in a window ``width`` px wide, measure it, save a full-page PNG."""
    session = tools.page()
    tools.call(
        "Emulation.setDeviceMetricsOverride",
        session,
        width=width,
        height=800,
        deviceScaleFactor=1,
        mobile=width < 500,  # honours the letter's viewport meta, as a phone does
    )
    tools.call("Page.enable", session)
    tools.call("Page.navigate", session, url=letter.resolve().as_uri())
    tools.wait_for("Page.loadEventFired", session)
    scroll_width = _evaluate(tools, session, "document.documentElement.scrollWidth")
    height = _evaluate(tools, session, "document.documentElement.scrollHeight")
    picture = tools.call(
        "Page.captureScreenshot",
        session,
        format="png",
        captureBeyondViewport=True,
        clip={"x": 0, "y": 0, "width": max(width, scroll_width), "height": height, "scale": 1},
    )
    png = out / f"{letter.stem}-{width}.png"
    png.write_bytes(base64.b64decode(picture["data"]))
    tools.call("Target.closeTarget", targetId=_target_of(tools, session))
    return Shot(letter=letter, width=width, scroll_width=int(scroll_width), png=png)


def _target_of(tools: DevTools, session: str) -> str:
    return tools.call("Target.getTargetInfo", session)["targetInfo"]["targetId"]


def letters_in(paths: Iterable[Path]) -> list[Path]:
    """The ``.html`` letters named, or found in the folders named (an outbox's ``index.html``
    is a list, not a letter)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.glob("*.html") if p.name != "index.html")
        else:
            found.append(path)
    return found


def screenshots(
    letters: Iterable[Path], out: Path, *, browser: str, widths: Iterable[int] = WIDTHS
) -> list[Shot]:
    out.mkdir(parents=True, exist_ok=True)
    with DevTools(browser) as tools:
        return [shoot(tools, letter, width, out) for letter in letters for width in widths]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="outbox folders or .html letters")
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    args = parser.parse_args(argv)
    browser = find_chromium()
    if browser is None:
        print("Chromium is not installed (chromium, chromium-browser or google-chrome).")
        return 2
    shots = screenshots(letters_in(args.paths), args.out, browser=browser)
    for shot in shots:
        verdict = "OVERFLOW" if shot.overflows else "ok"
        print(f"{verdict:8} {shot.width:5} px  scrollWidth {shot.scroll_width:5}  {shot.png}")
    return 1 if any(shot.overflows for shot in shots) else 0


if __name__ == "__main__":
    sys.exit(main())
