"""Vectorised, pure parsing of raw sheet cells: Indonesian numbers, dates, NIPs, links, periods.

Every parser takes a ``pd.Series`` of raw cell values (``str``, ``int``, ``float``, ``bool``,
``datetime``, sheet serial numbers or ``None``) and returns a :class:`Parsed`: the typed values,
a per-cell problem code (``None`` where the cell is fine or blank) and a blank mask. The codes are
the finding codes declared above each parser (``@declares``); turning them into findings and
messages is ``validate.py``'s job.

Realisasi can hold a million rows, so the hot parsers (numbers, dates, NIPs) work on whole columns
with ``str`` regexes, ``pd.to_datetime`` with explicit formats and numpy; only the rare odd cell
(a text date that needs a month name, say) goes through the slower path, and still column-wise.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Callable
from typing import NamedTuple, TypeVar

import numpy as np
import pandas as pd

from .findings import Rule, declares
from .indonesian import MONTH_NUMBERS

FORMULA_ERRORS = frozenset(
    {"#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#ERROR!", "#SPILL!"}
    | {"#CALC!", "#GETTING_DATA"}
)
# Line breaks and other control characters: a value holding one cannot go into a mail header.
CONTROL_CHARACTERS = r"[\x00-\x1f\x7f\x85\u2028\u2029]"
# Day 0 of Excel and Google Sheets serial dates (1900 leap-year bug included).
SERIAL_EPOCH = pd.Timestamp("1899-12-30")
_SERIAL_MAX = 2_958_465  # 9999-12-31

_KIND_OF_TYPE = {
    str: "text",
    int: "number",
    float: "number",
    np.int64: "number",
    np.float64: "number",
    bool: "bool",
    np.bool_: "bool",
    dt.datetime: "date",
    dt.date: "date",
    pd.Timestamp: "date",
    type(None): "blank",
}


class Parsed(NamedTuple):
    values: pd.Series  # typed values; NaN/NaT/None where blank or a problem
    problems: pd.Series  # object: a finding code, or None
    blank: pd.Series  # bool: the cell is empty (None, NaN or only spaces)


class _Cells(NamedTuple):
    kind: pd.Series  # text | number | bool | date | blank | error | other
    text: pd.Series  # stripped text of the text cells (index ⊆ the column's index)


def _classify(raw: pd.Series) -> _Cells:
    """Each cell's kind, with formula errors and blank text told apart, plus the stripped text."""
    kinds = [_KIND_OF_TYPE.get(type(v), "other") for v in raw.to_numpy(dtype=object)]
    kind = pd.Series(kinds, index=raw.index, dtype=object)
    is_text = kind.eq("text")
    cells = raw[is_text]
    text = pd.Series([v.strip() for v in cells], index=cells.index, dtype=object)
    kind[text.index[text.eq("")]] = "blank"
    kind[text.index[text.isin(FORMULA_ERRORS)]] = "error"
    kind[raw.isna()] = "blank"  # NaN floats from pandas and numpy
    text = text[kind[text.index].eq("text")]
    return _Cells(kind, text)


@declares(
    Rule(
        "formula-error",
        "error",
        problem="{column} berisi galat rumus {value}.",
        fix="Perbaiki rumusnya atau ketik nilainya langsung.",
        scope="setiap kolom yang diisi staf",
        example={"tab": "Realisasi", "row": 12, "column": "Realisasi", "value": "#REF!"},
    )
)
def _new_problems(index: pd.Index, cells: _Cells) -> pd.Series:
    problems = pd.Series(None, index=index, dtype=object)
    problems[cells.kind.eq("error")] = "formula-error"
    return problems


_Out = TypeVar("_Out")
_FEW = 200


def per_unique(parser: Callable[..., _Out]) -> Callable[..., _Out]:
    """Run ``parser`` once per distinct cell value and spread the results back.

    A big Realisasi tab repeats the same dates, NIPs, IDs and numbers over and over, so parsing
    its distinct values is many times faster than parsing every cell. Booleans become text first,
    because hashing would merge ``True`` with ``1``.
    """

    @functools.wraps(parser)
    def run(raw: pd.Series, *args: object, **kwargs: object) -> _Out:
        if len(raw) < _FEW:  # too few cells to repeat much: skip the bookkeeping
            return spread(parser(raw, *args, **kwargs), np.arange(len(raw)), raw.index)
        positions, small = distinct(raw)
        if 2 * (len(small) - 1) > len(raw):
            positions = np.arange(len(raw))
            return spread(parser(raw, *args, **kwargs), positions, raw.index)
        return spread(parser(small, *args, **kwargs), positions, raw.index)

    return run


def distinct(raw: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Each cell's position among the column's distinct values, and those values (missing last).

    ``True`` and ``1`` hash alike, so where a boolean cell could have merged with a number the
    booleans become text first; the type of each cell is checked only among the 0/1 lookalikes.
    """
    cells = raw.to_numpy(dtype=object)
    codes, uniques = pd.factorize(cells)
    lookalikes = np.flatnonzero(pd.Series(uniques, dtype=object).isin([0, 1]).to_numpy())
    if len(lookalikes):
        suspects = cells[np.isin(codes, lookalikes)]
        if any(type(v) in (bool, np.bool_) for v in suspects):
            is_bool = raw.map(type).isin((bool, np.bool_))
            text = raw.map({True: "TRUE", False: "FALSE"})
            codes, uniques = pd.factorize(raw.mask(is_bool, text).to_numpy(dtype=object))
    positions = np.where(codes < 0, len(uniques), codes)
    return positions, pd.Series([*uniques, None], dtype=object)


def spread(out: object, positions: np.ndarray, index: pd.Index) -> object:
    """Results for the distinct values laid out per cell; text columns get None for missing."""
    return lay_out(missing_as_none(out), positions, index)


def missing_as_none(out: object) -> object:
    """``out`` with None (not NaN) for the missing values of its text columns: done once on the
    distinct values, so laying them out for many units repeats no pass over them."""
    if isinstance(out, pd.Series):
        if out.dtype != object:
            return out
        values = out.to_numpy().copy()
        values[pd.isna(values)] = None
        return pd.Series(values, index=out.index, dtype=object)
    if isinstance(out, pd.DataFrame):
        return out
    if isinstance(out, dict):
        return {k: missing_as_none(v) for k, v in out.items()}
    items = [missing_as_none(item) for item in out]  # a (named) tuple of those
    return type(out)(*items) if hasattr(out, "_fields") else tuple(items)


def lay_out(out: object, positions: np.ndarray, index: pd.Index) -> object:
    """Results for the distinct values (``missing_as_none`` already applied) taken per cell."""
    if isinstance(out, pd.Series):
        return pd.Series(out.to_numpy()[positions], index=index, dtype=out.dtype)
    if isinstance(out, pd.DataFrame):
        return out.iloc[positions].set_axis(index)
    if isinstance(out, dict):
        return {k: lay_out(v, positions, index) for k, v in out.items()}
    items = [lay_out(item, positions, index) for item in out]
    return type(out)(*items) if hasattr(out, "_fields") else tuple(items)


def cell_text(value: object) -> str:
    """A cell's value as the user sees it: ``12,5`` stays as typed, dates as ``29/11/2026``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.15G}"
    return str(value).strip()


def _texts(raw: pd.Series, cells: _Cells, kinds: tuple[str, ...]) -> pd.Series:
    """Text of the text cells plus the rendered text of cells of other ``kinds`` (few, per cell)."""
    others = raw[cells.kind.isin(kinds)]
    rendered = others.map(cell_text).astype(object)
    return pd.concat([cells.text, rendered]).sort_index() if len(rendered) else cells.text


# -- text, choices, links ------------------------------------------------------------------------


@per_unique
def parse_text(raw: pd.Series) -> Parsed:
    """Free text: stripped; numbers and dates rendered as the user sees them."""
    cells = _classify(raw)
    values = pd.Series(None, index=raw.index, dtype=object)
    text = _texts(raw, cells, ("number", "bool", "date", "other"))
    values[text.index] = text
    return Parsed(values, _new_problems(raw.index, cells), cells.kind.eq("blank"))


def fold_choice(text: pd.Series) -> pd.Series:
    """Choice text folded like ``schema.normalise_choice``, column-wise."""
    return text.str.replace(r"[\s_]+", " ", regex=True).str.strip().str.casefold()


@declares(
    Rule(
        "invalid-choice",
        "error",
        problem="{column} '{value}' tidak dikenal.",
        fix="Pilih salah satu: {choices}.",
        column_types=("choice", "bool"),
        example={
            "tab": "Pegawai",
            "row": 7,
            "column": "Status",
            "value": "Pensiun",
            "choices": "Aktif, Nonaktif",
        },
    )
)
@per_unique
def parse_choice(raw: pd.Series, choices: dict[str, tuple[str, ...]]) -> Parsed:
    """The canonical allowed value (case- and space-insensitive, synonyms accepted)."""
    from .schema import normalise_choice

    lookup = {normalise_choice(s): c for c, synonyms in choices.items() for s in (c, *synonyms)}
    cells = _classify(raw)
    problems = _new_problems(raw.index, cells)
    text = _texts(raw, cells, ("number", "bool", "date", "other"))
    found = fold_choice(text).map(lookup)
    values = pd.Series(None, index=raw.index, dtype=object)
    values[found.index] = found.astype(object).where(found.notna(), None)
    problems[found.index[found.isna()]] = "invalid-choice"
    return Parsed(values, problems, cells.kind.eq("blank"))


_URL = r"(?i)https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?"
_DOMAIN_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"  # no hyphen at either end
# Every address accepted here is one mail.check_address accepts, so a bad one is a finding
# in the sheet, never a failed letter.
_LOCAL_WORD = r"[A-Za-z0-9_%+'-]+"  # dots only between words: no "..", none at either end
_EMAIL = rf"{_LOCAL_WORD}(?:\.{_LOCAL_WORD})*@(?:{_DOMAIN_LABEL}\.)+[A-Za-z]{{2,}}"


def _parse_pattern(raw: pd.Series, pattern: str, code: str) -> Parsed:
    cells = _classify(raw)
    problems = _new_problems(raw.index, cells)
    values = pd.Series(None, index=raw.index, dtype=object)
    text = _texts(raw, cells, ("number", "bool", "date", "other"))
    matches = re.compile(pattern).fullmatch
    ok = pd.Series([matches(t) is not None for t in text], index=text.index, dtype=bool)
    values[text.index[ok]] = text[ok]
    problems[text.index[~ok]] = code
    return Parsed(values, problems, cells.kind.eq("blank"))


@declares(
    Rule(
        "invalid-url",
        "error",
        problem="{column} '{value}' bukan tautan.",
        fix="Tulis alamat lengkap yang diawali https://, misalnya https://drive.google.com/...",
        column_types=("url",),
        example={"tab": "Realisasi", "row": 12, "column": "Bukti", "value": "drive folder saya"},
    )
)
@per_unique
def parse_url(raw: pd.Series) -> Parsed:
    """A web link starting with http:// or https://."""
    return _parse_pattern(raw, _URL, "invalid-url")


@declares(
    Rule(
        "invalid-email",
        "error",
        problem="{column} '{value}' tidak sah.",
        fix="Tulis alamat seperti nama@kecamatan.go.id.",
        column_types=("email",),
        example={"tab": "Pegawai", "row": 7, "column": "Email", "value": "dedi@asemrowo"},
    )
)
@per_unique
def parse_email(raw: pd.Series) -> Parsed:
    return _parse_pattern(raw, _EMAIL, "invalid-email")


# -- numbers -------------------------------------------------------------------------------------

# 1.234 / 1.234.567 / 1.234,5: Indonesian thousands dots (a leading 0 means a decimal: 0.500).
_ID_THOUSANDS = r"[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?"
# 1,234.5 / 1,234,567: English thousands, only where unambiguous (1,234 alone is 1,234 decimal).
_EN_THOUSANDS = r"[1-9]\d{0,2}(?:,\d{3})+\.\d+|[1-9]\d{0,2}(?:,\d{3}){2,}"
_SIMPLE = r"\d*[.,]?\d+"  # 12, 12,5, 12.5, ,5


def _number_from_text(text: pd.Series) -> pd.Series:
    """Floats from number text (spaces and a trailing % already handled); NaN where not a number."""
    id_th = text.str.fullmatch(_ID_THOUSANDS).astype(bool)
    en_th = ~id_th & text.str.fullmatch(_EN_THOUSANDS).astype(bool)
    simple = ~id_th & ~en_th & text.str.fullmatch(_SIMPLE).astype(bool)
    canon = pd.Series(None, index=text.index, dtype=object)
    canon[id_th] = text[id_th].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    canon[en_th] = text[en_th].str.replace(",", "", regex=False)
    canon[simple] = text[simple].str.replace(",", ".", regex=False)
    return pd.to_numeric(canon, errors="coerce").astype(float)


@declares(
    Rule(
        "not-a-number",
        "error",
        problem="{column} '{value}' bukan angka.",
        fix="Tulis angka, misalnya 12 atau 12,5.",
        column_types=("number",),
        example={"tab": "Realisasi", "row": 12, "column": "Realisasi", "value": "dua belas"},
    ),
    Rule(
        "negative-number",
        "error",
        problem="{column} '{value}' bernilai negatif.",
        fix="Tulis angka 0 atau lebih, misalnya 12.",
        column_types=("number",),
        example={"tab": "Realisasi", "row": 12, "column": "Realisasi", "value": "-3"},
    ),
)
@per_unique
def parse_number(raw: pd.Series) -> Parsed:
    """Numbers as staff type them: ``12``, ``12,5``, ``1.234,5``, ``1,234.5``, ``85%``.

    Problems: ``not-a-number``, ``negative-number`` (value kept), ``formula-error``.
    """
    cells = _classify(raw)
    problems = _new_problems(raw.index, cells)
    values = pd.Series(np.nan, index=raw.index, dtype=float)
    is_number = cells.kind.eq("number")
    values[is_number] = raw[is_number].astype(float)

    body = cells.text.str.replace(r"\s+", "", regex=True)
    negative = body.str.match(r"[-−]").astype(bool)
    body = body.str.replace(r"^[-−+]", "", regex=True).str.replace(r"%$", "", regex=True)
    from_text = _number_from_text(body)
    from_text[negative] = -from_text[negative]
    values[from_text.index] = from_text
    problems[from_text.index[from_text.isna()]] = "not-a-number"
    problems[cells.kind.isin(("bool", "date", "other"))] = "not-a-number"
    problems[values.lt(0)] = "negative-number"
    return Parsed(values, problems, cells.kind.eq("blank"))


_RANGE = r"(?i)^\s*([^\s–—-][^–—-]*?)\s*(?:-|–|—|s\.?\s?d\.?|sampai)\s*([^\s–—-].*?)\s*$"


@declares(
    Rule(
        "invalid-target",
        "error",
        problem="{column} '{value}' tidak sah.",
        fix="Tulis angka lebih dari 0, misalnya 120, atau rentang seperti 80-90.",
        column_types=("target",),
        example={"tab": "Indikator", "row": 9, "column": "Target", "value": "90-80"},
    )
)
@per_unique
def parse_target(raw: pd.Series) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """A target > 0 or a range ``80-90``: a frame of ``target_low``/``target_high`` plus problems.

    The only problem besides ``formula-error`` is ``invalid-target`` (text, ≤ 0, reversed range).
    """
    single = parse_number(raw)
    low = single.values.copy()
    high = single.values.copy()
    text = _classify(raw).text
    ranged = text.str.extract(_RANGE)
    ranged = ranged[ranged[0].notna() & single.values[ranged.index].isna()]
    if len(ranged):
        lo = parse_number(ranged[0].astype(object)).values
        hi = parse_number(ranged[1].astype(object)).values
        low[ranged.index], high[ranged.index] = lo, hi
    bad = (low.isna() | high.isna() | low.le(0) | high.lt(low)) & ~single.blank
    problems = single.problems.where(single.problems.eq("formula-error"), None)
    problems[bad & problems.isna()] = "invalid-target"
    low[bad], high[bad] = np.nan, np.nan
    return pd.DataFrame({"target_low": low, "target_high": high}), problems, single.blank


# -- dates ---------------------------------------------------------------------------------------

_FAST_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y")
_TIME = r"(?:[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?"
_DMY = rf"^(?P<day>\d{{1,2}})[/.\-](?P<month>\d{{1,2}})[/.\-](?P<year>\d{{4}}|\d{{2}}){_TIME}$"
_YMD = rf"^(?P<year>\d{{4}})[/.\-](?P<month>\d{{1,2}})[/.\-](?P<day>\d{{1,2}}){_TIME}$"
# "29 November 2026", "29 Nov 2026", "Minggu, 29 Nopember 2026", "29-Nov-2026"
_NAMED = (
    r"^(?:[^\W\d_]+,?\s+)?(?P<day>\d{1,2})[\s\-]+(?P<month>[^\W\d_]+)\.?[\s\-]+(?P<year>\d{4})$"
)


def _dates_from_parts(parts: pd.DataFrame) -> pd.Series:
    """Dates from year/month/day columns; NaT where that day does not exist."""
    year = pd.to_numeric(parts["year"], errors="coerce")
    year = year.where(year >= 100, year + 2000)
    frame = pd.DataFrame(
        {"year": year, "month": pd.to_numeric(parts["month"]), "day": pd.to_numeric(parts["day"])}
    )
    ok = frame.notna().all(axis=1) & frame["month"].between(1, 12) & frame["day"].between(1, 31)
    out = pd.Series(pd.NaT, index=parts.index, dtype="datetime64[ns]")
    if ok.any():
        out[ok] = pd.to_datetime(frame[ok].astype(int), errors="coerce")
    return out


def _dates_from_text(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates from text, and a mask of text shaped like a date but naming no real day."""
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    left = text
    for fmt in _FAST_DATE_FORMATS:  # the common forms at C speed
        if left.empty:
            break
        got = pd.to_datetime(left, format=fmt, errors="coerce")
        out[got.index[got.notna()]] = got[got.notna()]
        left = left[got.isna()]
    impossible = pd.Series(False, index=text.index)
    for pattern in (_DMY, _YMD, _NAMED):
        if left.empty:
            break
        parts = left.str.extract(pattern).dropna()
        if parts.empty:
            continue
        if pattern is _NAMED:
            parts["month"] = parts["month"].str.casefold().map(MONTH_NUMBERS)
            parts = parts.dropna()
        got = _dates_from_parts(parts)
        out[got.index] = got
        impossible[got.index[got.isna()]] = True
        left = left.drop(parts.index)
    return out, impossible


@declares(
    Rule(
        "not-a-date",
        "error",
        problem="{column} '{value}' bukan tanggal.",
        fix="Tulis tanggal seperti 29/11/2026 atau 29 November 2026.",
        column_types=("date",),
        example={"tab": "Realisasi", "row": 12, "column": "Tanggal", "value": "besok"},
    ),
    Rule(
        "impossible-date",
        "error",
        problem="{column} '{value}' tidak ada di kalender.",
        fix="Periksa hari dan bulannya; tulis hari/bulan/tahun, misalnya 29/11/2026.",
        column_types=("date",),
        example={"tab": "Realisasi", "row": 12, "column": "Tanggal", "value": "31/02/2026"},
    ),
)
@per_unique
def parse_date(raw: pd.Series) -> Parsed:
    """Dates (midnight, ``datetime64[ns]``) from date cells, sheet serials and Indonesian text.

    Problems: ``not-a-date``, ``impossible-date`` (``31/02/2026``), ``formula-error``.
    """
    cells = _classify(raw)
    problems = _new_problems(raw.index, cells)
    values = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")

    is_date = cells.kind.eq("date")
    if is_date.any():
        values[is_date] = pd.to_datetime(raw[is_date].astype(object)).dt.normalize()

    is_number = cells.kind.eq("number")
    serial = raw[is_number].astype(float)
    in_range = serial.ge(1) & serial.le(_SERIAL_MAX)
    values[serial.index[in_range]] = SERIAL_EPOCH + pd.to_timedelta(
        np.floor(serial[in_range]), unit="D"
    )
    problems[serial.index[~in_range]] = "not-a-date"

    from_text, impossible = _dates_from_text(cells.text)
    values[from_text.index] = from_text
    problems[from_text.index[from_text.isna()]] = "not-a-date"
    problems[impossible.index[impossible]] = "impossible-date"
    problems[cells.kind.isin(("bool", "other"))] = "not-a-date"
    return Parsed(values, problems, cells.kind.eq("blank"))


# -- NIP -----------------------------------------------------------------------------------------

_SCIENTIFIC = r"(?i)\d[.,]\d+E\+?\d+"
_NIP_EXAMPLE = "misalnya 19860926 201505 1 001"


def nip_structure_problem(nip: str) -> str | None:
    """Which part of an 18-digit NIP is impossible, in Indonesian (for the message), or None."""
    try:
        birth = dt.datetime.strptime(nip[:8], "%Y%m%d").date()
    except ValueError:
        return f"8 digit pertama ({nip[:8]}) harus tanggal lahir yang ada, TTTTBBHH"
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12:
        return f"digit 9–14 ({nip[8:14]}) harus bulan TMT CPNS, TTTTBB, dengan bulan 01–12"
    if (year, month) <= (birth.year, birth.month):
        return f"TMT CPNS ({nip[8:14]}) harus sesudah tanggal lahir ({nip[:8]})"
    if nip[14] not in "12":
        return f"digit ke-15 ({nip[14]}) harus 1 (pria) atau 2 (wanita)"
    if nip[15:] == "000":
        return "nomor urut (3 digit terakhir) tidak boleh 000"
    return None


@declares(
    Rule(
        "nip-format",
        "error",
        problem="{column} '{value}' tidak sah.",
        fix=f"Tulis 18 digit angka (boleh dengan spasi), {_NIP_EXAMPLE}.",
        column_types=("nip",),
        example={"tab": "Realisasi", "row": 12, "column": "NIP", "value": "12345"},
    ),
    Rule(
        "nip-scientific",
        "error",
        problem="{column} tertulis sebagai angka ({value}) sehingga digit terakhirnya hilang.",
        fix=f"Format sel ini sebagai Teks (Format > Angka > Teks biasa), lalu ketik ulang ke-18 digit NIP, {_NIP_EXAMPLE}.",
        column_types=("nip",),
        example={"tab": "Pegawai", "row": 7, "column": "NIP", "value": "1.98609E+17"},
    ),
    Rule(
        "nip-structure",
        "error",
        problem="{column} '{value}' tidak sesuai struktur NIP: {detail}.",
        fix=f"Periksa kembali NIP-nya, {_NIP_EXAMPLE}.",
        column_types=("nip",),
        example={
            "tab": "Realisasi",
            "row": 12,
            "column": "NIP",
            "value": "198613322015051001",  # born on the 32nd
            "detail": nip_structure_problem("198613322015051001"),
        },
    ),
)
@per_unique
def parse_nip(raw: pd.Series, *, check_structure: bool = True) -> Parsed:
    """18-digit NIPs as text (spaces removed).

    Problems: ``nip-scientific`` (the sheet turned it into a number such as ``1.98609E+17``:
    digits are lost), ``nip-format`` (not 18 digits), ``nip-structure`` (birth date, CPNS month,
    gender digit or sequence impossible; see ``nip_structure_problem``), ``formula-error``.
    """
    cells = _classify(raw)
    problems = _new_problems(raw.index, cells)
    values = pd.Series(None, index=raw.index, dtype=object)

    numbers = raw[cells.kind.eq("number")].astype(float)
    problems[numbers.index] = np.where(numbers.abs().ge(1e15), "nip-scientific", "nip-format")
    problems[cells.kind.isin(("bool", "date", "other"))] = "nip-format"

    text = cells.text.str.replace(r"\s+", "", regex=True)
    ok = text.str.fullmatch(r"\d{18}").astype(bool)
    scientific = ~ok & text.str.fullmatch(_SCIENTIFIC).astype(bool)
    problems[text.index[scientific]] = "nip-scientific"
    problems[text.index[~ok & ~scientific]] = "nip-format"
    nips = text[ok]
    values[nips.index] = nips
    if check_structure and len(nips):
        problems[nips.index[_bad_structure(nips)]] = "nip-structure"
    return Parsed(values, problems, cells.kind.eq("blank"))


def _bad_structure(nips: pd.Series) -> pd.Series:
    birth = pd.to_datetime(nips.str[:8], format="%Y%m%d", errors="coerce")
    cpns_year = pd.to_numeric(nips.str[8:12])
    cpns_month = pd.to_numeric(nips.str[12:14])
    birth_months = birth.dt.year * 12 + birth.dt.month
    cpns_months = cpns_year * 12 + cpns_month
    return (
        birth.isna()
        | ~cpns_month.between(1, 12)
        | cpns_months.le(birth_months)
        | ~nips.str[14].isin(["1", "2"])
        | nips.str[15:].eq("000")
    ).to_numpy()


# -- periods and weeks ---------------------------------------------------------------------------

_MONTH = r"^(?P<year>\d{4})\s*[-/.]\s*(?P<month>\d{1,2})$|^(?P<month2>\d{1,2})\s*[-/.]\s*(?P<year2>\d{4})$"
_QUARTER = (
    r"(?i)^(?P<year>\d{4})\s*[-/ ]?\s*(?:Q|TW|T|triwulan\s*)(?P<q>[1-4])$"
    r"|^(?:Q|TW|T|triwulan\s*)(?P<q2>[1-4])\s*[-/ ]?\s*(?P<year2>\d{4})$"
)
_NAMED_MONTH = r"^(?P<month>[^\W\d_]+)\.?[\s\-]+(?P<year>\d{4})$"


@declares(
    Rule(
        "invalid-period",
        "error",
        problem="{column} '{value}' tidak sah.",
        fix="Tulis bulan seperti 2026-11 atau triwulan seperti 2026-Q4.",
        column_types=("month_or_quarter",),
        example={"tab": "Perilaku", "row": 4, "column": "Periode", "value": "2026-13"},
    )
)
@per_unique
def parse_period(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """A month (``2026-11``) or quarter (``2026-Q4``): canonical text, its first day, problems, blank.

    A date cell counts as its month: sheets turn a typed ``2026-11`` into 1 November 2026.
    """
    cells = _classify(raw)
    problems = _new_problems(raw.index, cells)
    canonical = pd.Series(None, index=raw.index, dtype=object)
    start = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")

    dated = parse_date(raw[cells.kind.isin(("date", "number"))].astype(object)).values
    text = cells.text
    month = text.str.extract(_MONTH)
    year = month["year"].fillna(month["year2"])
    mon = pd.to_numeric(month["month"].fillna(month["month2"]), errors="coerce")
    named = text.str.extract(_NAMED_MONTH)
    named_month = named["month"].str.casefold().map(MONTH_NUMBERS)
    year = year.fillna(named["year"].where(named_month.notna()))
    mon = mon.fillna(named_month)
    ok_month = year.notna() & mon.between(1, 12)
    year, mon = pd.to_numeric(year[ok_month]), mon[ok_month].astype(int)
    month_starts = pd.concat(
        [
            dated.dropna().dt.to_period("M").dt.start_time,
            pd.to_datetime({"year": year, "month": mon, "day": 1}),
        ]
    )
    start[month_starts.index] = month_starts
    canonical[month_starts.index] = month_starts.dt.strftime("%Y-%m")

    quarter = text.str.extract(_QUARTER)
    q = pd.to_numeric(quarter["q"].fillna(quarter["q2"]), errors="coerce").dropna().astype(int)
    qyear = pd.to_numeric(quarter["year"].fillna(quarter["year2"])[q.index]).astype(int)
    if len(q):
        start[q.index] = pd.to_datetime({"year": qyear, "month": (q - 1) * 3 + 1, "day": 1})
        canonical[q.index] = qyear.astype(str) + "-Q" + q.astype(str)

    blank = cells.kind.eq("blank")
    problems[start.isna() & ~blank & problems.isna()] = "invalid-period"
    return canonical, start, problems, blank


_WEEK = r"(?i)^(?P<year>\d{4})\s*[-/ ]?\s*W\s*(?P<week>\d{1,2})$|^W\s*(?P<week2>\d{1,2})\s*[-/ ]?\s*(?P<year2>\d{4})$"


@declares(
    Rule(
        "invalid-week",
        "error",
        problem="{column} '{value}' tidak sah.",
        fix="Tulis minggu ISO seperti 2026-W48.",
        column_types=("iso_week",),
        example={"tab": "Refleksi", "row": 6, "column": "Minggu", "value": "2026-W60"},
    )
)
@per_unique
def parse_week(raw: pd.Series) -> Parsed:
    """An ISO week, canonical ``2026-W48`` (``2026W48``, ``2026 - w48``, ``W48 2026`` accepted)."""
    cells = _classify(raw)
    problems = _new_problems(raw.index, cells)
    values = pd.Series(None, index=raw.index, dtype=object)
    found = cells.text.str.extract(_WEEK)
    year = pd.to_numeric(found["year"].fillna(found["year2"]), errors="coerce")
    week = pd.to_numeric(found["week"].fillna(found["week2"]), errors="coerce")
    ok = year.notna() & week.between(1, 53)
    keys = year[ok].astype(int).astype(str) + "-W" + week[ok].astype(int).map("{:02d}".format)
    monday = pd.to_datetime(keys + "-1", format="%G-W%V-%u", errors="coerce")
    real = monday.dt.isocalendar().week.astype(float).eq(week[ok])  # NaT: no such week
    values[keys.index[real]] = keys[real]
    blank = cells.kind.eq("blank")
    problems[values.isna() & ~blank & problems.isna()] = "invalid-week"
    return Parsed(values, problems, blank)
