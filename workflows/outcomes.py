"""Outcomes measured at the source: the public satisfaction index (IKM) from the survey's answers
and service speed from the service register (PermenPANRB 14/2017, domain.md).

Pure: validated ``survei`` and ``layanan`` tables, the indicators and the dates in, each computed
indicator's realisation and the figures it came from out. An indicator names its source in the
Indikator column ``Sumber`` (``Survei: IKM``, ``Layanan: rata-rata hari kerja`` …, optionally
``| <layanan>``); its realisation then scores exactly like a typed one.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import holidays
import numpy as np
import pandas as pd

from .config import Outcomes
from .indonesian import format_number
from .schema import normalise_choice, normalise_header

TYPED = "Isian"
IKM = "Survei: IKM"
MEAN_DAYS = "Layanan: rata-rata hari kerja"
ON_TIME = "Layanan: persen tepat waktu"
COMPLETED = "Layanan: jumlah selesai"
SOURCES = (TYPED, IKM, MEAN_DAYS, ON_TIME, COMPLETED)
DEFAULT_SETTINGS = Outcomes()
IKM_SCALE = 25  # the index is the mean answer (1-4) × 25, so 25-100


@dataclass(frozen=True)
class Element:
    """One of the nine survey elements: its column, name, header keywords and four options."""

    key: str
    name: str
    keywords: tuple[str, ...]
    options: tuple[str, str, str, str]  # scored 1, 2, 3, 4


_SESUAI = ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai")
ELEMENTS = (
    Element("u1", "Persyaratan", ("persyaratan",), _SESUAI),
    Element(
        "u2",
        "Sistem, Mekanisme dan Prosedur",
        ("prosedur", "mekanisme"),
        ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
    ),
    Element(
        "u3",
        "Waktu Penyelesaian",
        ("waktu",),
        ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
    ),
    Element(
        "u4", "Biaya/Tarif", ("biaya", "tarif"), ("Sangat mahal", "Cukup mahal", "Murah", "Gratis")
    ),
    Element("u5", "Produk Spesifikasi Jenis Pelayanan", ("produk",), _SESUAI),
    Element(
        "u6",
        "Kompetensi Pelaksana",
        ("kompetensi",),
        ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
    ),
    Element(
        "u7",
        "Perilaku Pelaksana",
        ("perilaku",),
        (
            "Tidak sopan dan ramah",
            "Kurang sopan dan ramah",
            "Sopan dan ramah",
            "Sangat sopan dan ramah",
        ),
    ),
    Element(
        "u8",
        "Penanganan Pengaduan, Saran dan Masukan",
        ("pengaduan",),
        (
            "Tidak ada",
            "Ada tetapi tidak berfungsi",
            "Berfungsi kurang maksimal",
            "Dikelola dengan baik",
        ),
    ),
    Element("u9", "Sarana dan Prasarana", ("sarana",), ("Buruk", "Cukup", "Baik", "Sangat baik")),
)
ELEMENT_KEYS = tuple(e.key for e in ELEMENTS)
# IKM grades (PermenPANRB 14/2017), lowest index of each, compared on the index rounded to 2 places.
GRADES = ((88.31, "A", "Sangat Baik"), (76.61, "B", "Baik"), (65.00, "C", "Kurang Baik"))
LOWEST_GRADE = ("D", "Tidak Baik")


def element(key: str) -> Element:
    return next(e for e in ELEMENTS if e.key == key)


# -- sources -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where an indicator's realisation comes from, and the service it counts (None: all)."""

    measure: str  # one of SOURCES
    service: str | None = None

    @property
    def computed(self) -> bool:
        return self.measure != TYPED

    @property
    def text(self) -> str:
        return f"{self.measure} | {self.service}" if self.service else self.measure


@functools.lru_cache(maxsize=4096, typed=True)
def parse_source(text: object) -> Source | None:
    """The ``Sumber`` cell as a ``Source`` (empty: typed), or None when it names no source.

    Remembered per text: a city's indicators repeat a handful of Sumber texts 150,000 times."""
    if text is None or (isinstance(text, float) and np.isnan(text)) or not str(text).strip():
        return Source(TYPED)
    measure, _, service = str(text).partition("|")
    folded = normalise_choice(re.sub(r"\s*:\s*", ": ", measure))
    picked = next((s for s in SOURCES if normalise_choice(s) == folded), None)
    if picked is None or (picked == TYPED and service.strip()):
        return None
    return Source(picked, re.sub(r"\s+", " ", service).strip() or None)


# -- survey answers ------------------------------------------------------------------------------


def element_answers(key: str, raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """An element's answers as 1-4 (NaN where empty) and the mask of answers that are neither a
    number 1-4 nor one of the element's four option texts (case- and space-insensitive)."""
    labels = {normalise_choice(label): i + 1.0 for i, label in enumerate(element(key).options)}
    text = raw.map(lambda v: None if v is None or v != v else str(v)).astype(object)
    folded = text.map(normalise_choice, na_action="ignore")
    numbers = pd.to_numeric(folded.str.replace(",", ".", regex=False), errors="coerce")
    numeric = numbers.where(numbers.isin([1.0, 2.0, 3.0, 4.0]))
    values = numeric.fillna(folded.map(labels)).astype(float)
    empty = folded.isna() | folded.eq("")
    return values.where(~empty), values.isna() & ~empty


@dataclass(frozen=True)
class HeaderMatch:
    """The survey headers read as elements by keyword, and what could not be matched."""

    positions: dict[int, str]  # header position → element key
    ambiguous: list[str]  # headers that name two elements, or an element twice
    missing: list[str]  # names of elements no header names


def match_form_headers(unknown: Mapping[int, str], known: Iterable[str] = ()) -> HeaderMatch:
    """Match a Google Form's question headers (``unknown``: position → text, those the schema did
    not recognise) to the elements by each element's keyword; ``known`` are the element keys
    already matched by name. A header naming no element (name, age, …) is left alone."""
    found: dict[str, list[int]] = {}
    ambiguous: list[str] = []
    for i, text in unknown.items():
        folded = normalise_header(text)
        hits = [e.key for e in ELEMENTS if any(k in folded for k in e.keywords)]
        if len(hits) > 1:
            ambiguous.append(text)
        elif hits:
            found.setdefault(hits[0], []).append(i)
    positions: dict[int, str] = {}
    taken = set(known)
    for key, at in found.items():
        if len(at) > 1 or key in taken:
            ambiguous += [unknown[i] for i in at]
        else:
            positions[at[0]] = key
    named = taken | set(positions.values())
    missing = [e.name for e in ELEMENTS if e.key not in named]
    return HeaderMatch(positions, ambiguous, missing)


# -- IKM -----------------------------------------------------------------------------------------


def ikm_grade(index: float) -> tuple[str, str]:
    """The grade letter and name of an index, judged on the index rounded to 2 decimals."""
    rounded = round(float(index), 2)
    return next(((g, n) for low, g, n in GRADES if rounded >= low), LOWEST_GRADE)


@dataclass(frozen=True)
class Ikm:
    responses: int
    element_means: dict[str, float]  # element key → mean of its non-empty answers
    index: float  # NaN without answers

    @property
    def grade(self) -> tuple[str, str]:
        return ikm_grade(self.index)


def compute_ikm(answers: pd.DataFrame) -> Ikm:
    """IKM of responses (columns ``u1``…``u9`` as 1-4 or NaN): each element's mean of its non-empty
    answers; the index is the mean of the nine element means × 25."""
    means = answers.reindex(columns=list(ELEMENT_KEYS)).astype(float).mean()
    return Ikm(len(answers), means.to_dict(), float(means.mean(skipna=False)) * IKM_SCALE)


# -- working days and services -------------------------------------------------------------------


def holiday_list(first: dt.date, last: dt.date, extra: Iterable[dt.date] = ()) -> np.ndarray:
    """Indonesia's national holidays (``holidays`` package) in the years ``first``…``last`` plus
    the ``extra`` days (cuti bersama, local holidays), as ``datetime64[D]``."""
    national = holidays.Indonesia(years=range(first.year, last.year + 1))
    return np.array(sorted({*national, *extra}), dtype="datetime64[D]")


def working_days(received: pd.Series, completed: pd.Series, holiday: np.ndarray) -> pd.Series:
    """Working days from receipt to completion, both days counted (Monday-Friday without the
    ``holiday`` days); at least 1, so a service finished on the day it came in counts 1. NaN
    where a date is missing."""
    done = received.notna() & completed.notna()
    start = received[done].to_numpy("datetime64[D]")
    end = completed[done].to_numpy("datetime64[D]") + np.timedelta64(1, "D")
    counted = np.busday_count(start, end, holidays=holiday)
    out = pd.Series(np.nan, index=received.index)
    out[done] = np.maximum(counted, 1)
    return out


@dataclass(frozen=True)
class ServiceFigures:
    completed: int
    mean_days: float  # NaN when none completed
    on_time_percent: float  # of those with a Standar Hari; NaN when none has one


def service_figures(services: pd.DataFrame, holiday: np.ndarray) -> ServiceFigures:
    """The three measures over completed services (``tanggal_masuk``, ``tanggal_selesai``,
    ``standar_hari``): the count, the mean working days, the share within ``standar_hari``."""
    days = working_days(services["tanggal_masuk"], services["tanggal_selesai"], holiday)
    done = days.notna()
    standard = services["standar_hari"].astype(float)
    judged = done & standard.notna()
    on_time = (days[judged] <= standard[judged]).mean() * 100 if judged.any() else np.nan
    return ServiceFigures(int(done.sum()), float(days[done].mean()), float(on_time))


# -- the indicators' realisations ----------------------------------------------------------------


REALISATION_COLUMNS = ("realisasi", "jumlah_entri", "sumber", "rincian_sumber")


def _number(value: float, decimals: int = 2) -> str:
    return format_number(value, decimals)


def ikm_text(ikm: Ikm, *, min_responses: int) -> str:
    """E.g. ``IKM 82,35 dari 312 jawaban; U1 3,21, … U9 3,40; mutu B (Baik)``."""
    if ikm.responses == 0 or np.isnan(ikm.index):
        return f"belum ada jawaban survei yang lengkap ({ikm.responses} jawaban)"
    letter, name = ikm.grade
    means = ", ".join(f"{k.upper()} {_number(v)}" for k, v in ikm.element_means.items())
    few = (
        f" (kurang dari {min_responses} jawaban yang dianjurkan; nilai tetap dipakai)"
        if ikm.responses < min_responses
        else ""
    )
    return (
        f"IKM {_number(ikm.index)} dari {ikm.responses} jawaban{few}; {means}; "
        f"mutu {letter} ({name})"
    )


def service_text(figures: ServiceFigures) -> str:
    """E.g. ``48 layanan selesai, rata-rata 3,25 hari kerja, 87,50% tepat waktu``."""
    if figures.completed == 0:
        return "belum ada layanan yang selesai"
    on_time = (
        f"{_number(figures.on_time_percent)}% tepat waktu"
        if not np.isnan(figures.on_time_percent)
        else "tanpa Standar Hari"
    )
    return (
        f"{figures.completed} layanan selesai, rata-rata {_number(figures.mean_days)} hari kerja, "
        f"{on_time}"
    )


def _dated(frame: pd.DataFrame, column: str, start: dt.date, cut_off: dt.date) -> pd.Series:
    day = pd.to_datetime(frame[column])
    return day.ge(pd.Timestamp(start)) & day.le(pd.Timestamp(cut_off))


def _for_service(frame: pd.DataFrame, unit: str, service: str | None) -> pd.Series:
    mine = frame["unit"].eq(unit)
    if service is None:
        return mine
    return mine & frame["layanan"].map(normalise_choice, na_action="ignore").eq(
        normalise_choice(service)
    )


def _realise(
    source: Source,
    unit: str,
    survey: pd.DataFrame,
    services: pd.DataFrame,
    holiday: np.ndarray,
    min_responses: int,
) -> tuple[float, int, str]:
    """(realisation, records counted, figure text) of one computed indicator."""
    prefix = f"{source.service}: " if source.service else ""
    if source.measure == IKM:
        ikm = compute_ikm(survey[_for_service(survey, unit, source.service)])
        return ikm.index, ikm.responses, prefix + ikm_text(ikm, min_responses=min_responses)
    figures = service_figures(services[_for_service(services, unit, source.service)], holiday)
    value = {
        MEAN_DAYS: figures.mean_days,
        ON_TIME: figures.on_time_percent,
        COMPLETED: float(figures.completed),
    }[source.measure]
    return value, figures.completed, prefix + service_text(figures)


def computed_realisations(
    indicators: pd.DataFrame,
    survey: pd.DataFrame,
    services: pd.DataFrame,
    *,
    start: dt.date,
    cut_off: dt.date,
    settings: Outcomes = DEFAULT_SETTINGS,
) -> pd.DataFrame:
    """Per (nip, id_indikator) of each indicator with a computed ``sumber``: ``realisasi``,
    ``jumlah_entri`` (responses or services counted), ``sumber`` and ``rincian_sumber``.

    Survey responses count when dated (``tanggal``) from ``start`` to ``cut_off``; services when
    completed (``tanggal_selesai``) in those days. Each indicator reads its own unit's records.
    """
    sources = indicators["sumber"].map(parse_source)
    chosen = indicators[sources.map(lambda s: s is not None and s.computed)]
    index = pd.MultiIndex.from_arrays([chosen["nip"], chosen["id"]], names=["nip", "id_indikator"])
    if chosen.empty:
        return pd.DataFrame(columns=list(REALISATION_COLUMNS), index=index)
    survey = survey[_dated(survey, "tanggal", start, cut_off)]
    services = services[_dated(services, "tanggal_selesai", start, cut_off)]
    earliest = min([start, *pd.to_datetime(services["tanggal_masuk"]).dt.date.dropna()])
    holiday = holiday_list(earliest, cut_off, settings.extra_holidays)
    rows = []
    for source, unit in zip(sources[chosen.index], chosen["unit"], strict=True):
        value, count, figures = _realise(
            source, unit, survey, services, holiday, settings.min_responses
        )
        rows.append((value, count, source.text, figures))
    return pd.DataFrame(
        rows,
        columns=list(REALISATION_COLUMNS),
        index=index,
    )


def source_tabs(sources: Iterable[object]) -> dict[str, str]:
    """The record tabs (``survei``, ``layanan``) that the ``Sumber`` texts use, each with the
    first source that uses it."""
    used: dict[str, str] = {}
    for source in map(parse_source, sources):
        if source is not None and source.computed:
            used.setdefault("survei" if source.measure == IKM else "layanan", source.text)
    return used
