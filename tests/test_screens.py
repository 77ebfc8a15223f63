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


def test_demo_letters_fit_a_phone_and_a_desktop(demo_config, tmp_path):
    moment = dt.datetime.fromisoformat(f"{DEMO_DATE}T08:00:00+07:00")
    with time_machine.travel(moment, tick=True):
        argv = ["weekly", "--config", str(demo_config.base_dir / "config.yaml")]
        assert cli.main([*argv, "--date", DEMO_DATE]) == 0
    folder = demo_config.path(demo_config.mail.outbox) / "2026-W48"
    letters = largest_of_each_kind(folder)
    assert {p.name.split("-", 1)[0] for p in letters} >= {"mingguan", "ringkasan"}

    shots = screenshots(letters, tmp_path / "shots", browser=CHROMIUM)

    assert [(s.letter, s.width) for s in shots] == [(p, w) for p in letters for w in WIDTHS]
    assert [(s.letter.name, s.width) for s in shots if s.overflows] == []
    for shot in shots:
        width, height = png_size(shot.png)
        assert width == shot.width and height > 800  # a whole letter, longer than one screen


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
