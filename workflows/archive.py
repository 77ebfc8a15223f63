"""The rows that leave the summary's bounded tabs, kept as CSV files in the state folder.

``archive_rows`` upserts rows into one file per ISO year of their week
(``<state>/riwayat/2026.csv``), keyed (for Riwayat) by week and NIP: a row already archived is
replaced, never repeated, so a replayed week or a run re-run after a crash writes no duplicate.
Each file is rewritten atomically (``files.write_atomically``) and only when its content changes;
a week later than the file's last is appended to its bytes without parsing the year so far (at
30,000 ASN a year file reaches about 130 MB).
Every value is kept as the text the CSV holds (an 18-digit NIP stays text).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .files import write_atomically
from .window import iso_year


def archive_rows(folder: Path, rows: pd.DataFrame, *, key: Sequence[str]) -> list[Path]:
    """Upsert ``rows`` (with a ``minggu`` column) into ``folder/<ISO year>.csv`` by ``key`` (which
    starts with ``minggu``); the files whose content changed, in year order."""
    if rows.empty:
        return []
    key = list(key)
    fresh = _as_text(rows).drop_duplicates(key, keep="last").sort_values(key, kind="stable")
    written = []
    for year, part in fresh.groupby(fresh["minggu"].map(iso_year), sort=True):
        path = folder / f"{year}.csv"
        old = path.read_bytes() if path.exists() else None
        data = _appended(old, part) if old is not None else None
        if data is None:
            held = _as_text_file(old) if old is not None else part.iloc[:0]
            merged = pd.concat([held, part], ignore_index=True).drop_duplicates(key, keep="last")
            data = _csv(merged.sort_values(key, kind="stable"))
        if data != old:
            write_atomically(path, data)
            written.append(path)
    return written


def _appended(old: bytes, part: pd.DataFrame) -> bytes | None:
    """The file with ``part`` added after its rows, when every week of ``part`` comes after the
    file's last week and the columns are the same (the weekly case: the year so far is not
    parsed again); None otherwise. Week keys sort as text and lead every row."""
    header, _, body = _csv(part).partition(b"\n")
    if not old.startswith(header + b"\n"):
        return None
    last = old.rstrip(b"\n").rsplit(b"\n", 1)[-1].split(b",", 1)[0].decode()
    if last == header.split(b",", 1)[0].decode() or part["minggu"].min() <= last:
        return None
    return old + body


def read_archive(path: Path) -> pd.DataFrame:
    """An archive file as text columns (empty cells as empty text)."""
    return _as_text_file(path.read_bytes())


def _as_text(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` as the text a CSV round trip gives, so held and fresh rows compare alike."""
    return _as_text_file(_csv(rows))


def _csv(rows: pd.DataFrame) -> bytes:
    return rows.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _as_text_file(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
