"""The demo's letters on a phone (375 px) and a desktop (1,000 px) in headless Chromium: no letter
scrolls sideways, measured as ``document.documentElement.scrollWidth`` against the window."""

from __future__ import annotations

import datetime as dt
import struct
from pathlib import Path

import pytest
import time_machine

from tests.conftest import DEMO_DATE
from tools.screenshots import WIDTHS, find_chromium, letters_in, screenshots
from workflows import cli

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])  # the IHDR chunk: width, height


def largest_of_each_kind(folder: Path) -> list[Path]:
    """The longest letter of each kind (the outbox names files ``<kind>-<key>.html``): the one
    with the most rows and text is the one most likely to overflow."""
    largest: dict[str, Path] = {}
    for letter in letters_in([folder]):
        kind = letter.name.split("-", 1)[0]
        if kind not in largest or letter.stat().st_size > largest[kind].stat().st_size:
            largest[kind] = letter
    return sorted(largest.values())


def run_on(config, command: str, day: str) -> None:
    moment = dt.datetime.fromisoformat(f"{day}T08:00:00+07:00")
    with time_machine.travel(moment, tick=True):
        argv = [command, "--config", str(config.base_dir / "config.yaml"), "--date", day]
        assert cli.main(argv) == 0


def test_demo_letters_fit_a_phone_and_a_desktop(demo_config, tmp_path):
    run_on(demo_config, "weekly", DEMO_DATE)
    run_on(demo_config, "remind", "2026-12-03")  # Thursday of the next week: the reminders
    outbox = demo_config.path(demo_config.mail.outbox)
    letters = largest_of_each_kind(outbox / "2026-W48") + largest_of_each_kind(outbox / "2026-W49")
    kinds = {p.name.split("-", 1)[0] for p in letters}
    assert kinds >= {"mingguan", "tim", "ringkasan", "pengingat"}

    shots = screenshots(letters, tmp_path / "shots", browser=CHROMIUM)

    assert [(s.letter, s.width) for s in shots] == [(p, w) for p in letters for w in WIDTHS]
    assert [(s.letter.name, s.width) for s in shots if s.overflows] == []
    sizes = {(s.letter.name.split("-", 1)[0], s.width): png_size(s.png) for s in shots}
    assert all(width == window and height >= 800 for (_, window), (width, height) in sizes.items())
    assert sizes["mingguan", 375][1] > 1600  # the whole letter, not the first screen of it


def test_a_page_wider_than_the_phone_is_caught(tmp_path):
    page = tmp_path / "lebar.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width">'
        '</head><body style="margin:0"><div style="width:500px">lebar</div></body></html>',
        encoding="utf-8",
    )
    phone, desktop = screenshots([page], tmp_path / "shots", browser=CHROMIUM)
    assert (phone.width, phone.scroll_width, phone.overflows) == (375, 500, True)
    assert (desktop.width, desktop.scroll_width, desktop.overflows) == (1000, 1000, False)
