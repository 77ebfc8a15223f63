"""config.yaml, loaded once into a frozen, validated object.

Wrong or missing keys raise ``ConfigError`` with one Indonesian sentence naming each key, its
value as typed in YAML and what is expected (pydantic's English never shows; values under a
key that looks like a secret show as ``***``); the CLI prints it and exits with status 2.
Relative paths resolve against the folder of the config file, so a config anywhere works.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import typing
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .labels import ORGANISATION_PREDIKAT, PREDIKAT, RATINGS

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# The same days as an Indonesian operator types them in schedule (config is the bottom layer, so
# it keeps its own words rather than import them from indonesian.py).
HARI = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")
# A plain local@domain: what mail puts in a header, and so all config accepts as an address.
ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)


class ConfigError(ValueError):
    """config.yaml is missing, unreadable or has a wrong key; the message is for the operator."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _mail_address(value: str) -> str:
    if not ADDRESS.fullmatch(value):
        raise ValueError("harus alamat email yang sah, misalnya kinerja@kecamatan.go.id")
    return value


MailAddress = Annotated[str, AfterValidator(_mail_address)]


class Period(_Strict):
    """An SKP period. By default the calendar year of the run's cut-off (``calendar.py``);
    config's ``period`` pins one instead (e.g. a half year)."""

    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError("tanggal akhir periode harus sesudah tanggal mulai")
        return self

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        """``2026`` for a calendar year, else ``2026-01-01–2026-06-30``: part of every send key."""
        year = self.start.year
        if (self.start, self.end) == (dt.date(year, 1, 1), dt.date(year, 12, 31)):
            return str(year)
        return f"{self.start.isoformat()}–{self.end.isoformat()}"


class LocalBackend(_Strict):
    folder: Path = Path("data")


class GoogleRetry(_Strict):
    """Back-off for Google's 429 and 5xx answers: ``attempts`` tries in all; before try n + 1
    capaian waits between half and all of ``min(max_seconds, base_seconds * 2**(n-1))``."""

    attempts: int = Field(default=6, ge=1, le=20)
    base_seconds: float = Field(default=1.0, ge=0)
    max_seconds: float = Field(default=64.0, ge=0, le=600)

    @model_validator(mode="after")
    def _cap_above_base(self) -> GoogleRetry:
        if self.max_seconds < self.base_seconds:
            raise ValueError("max_seconds tidak boleh lebih kecil dari base_seconds")
        return self


class GoogleBackend(_Strict):
    credentials: Path | None = None
    credentials_env: str = "GOOGLE_APPLICATION_CREDENTIALS"
    retry: GoogleRetry = GoogleRetry()
    # Requests are paced under Google's quota of 60 read and 60 write requests per minute per
    # user: at most ``*_per_minute`` a minute after a first ``burst`` (rate + burst <= 60).
    reads_per_minute: int = Field(default=55, ge=1, le=600)
    writes_per_minute: int = Field(default=55, ge=1, le=600)
    burst: int = Field(default=5, ge=1, le=100)


class Unit(_Strict):
    name: str = Field(min_length=1)
    workbook: str = Field(min_length=1)
    url: str | None = None  # a link for letters; for google the sheet URL is derived from the key


class Summary(_Strict):
    workbook: str = Field(min_length=1)
    url: str | None = None
    # How many ASN needing attention, and requests for support, Ikhtisar lists before "dan N
    # lainnya": it must stay one printed page.
    overview_attention_rows: int = Field(default=10, ge=1, le=25)
    overview_support_rows: int = Field(default=8, ge=1, le=25)
    # Riwayat keeps the newest whole weeks that fit in this many cells (rows x columns), never
    # fewer than the trend needs; older weeks move to <state>/riwayat/<year>.csv. Google holds
    # 10 million cells per spreadsheet, every tab counted.
    riwayat_cells: int = Field(default=4_000_000, ge=0, le=10_000_000)
    # Log Surat likewise keeps its newest weeks within this many cells (at least two weeks); the
    # older rows move to <state>/log_surat/<year>.csv. The send journal is what prevents a
    # second send, never Log Surat.
    log_surat_cells: int = Field(default=1_000_000, ge=0, le=10_000_000)


class State(_Strict):
    folder: Path = Path("state")


class Sender(_Strict):
    name: str = "Kecamatan Asemrowo"
    address: MailAddress = "kinerja@asemrowo.example"

    @field_validator("name")
    @classmethod
    def _single_line(cls, value: str) -> str:
        if re.search(r"[\r\n]", value):
            raise ValueError("tidak boleh berisi baris baru")
        return value


class Smtp(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(default=1025, ge=1, le=65535)
    user: str | None = None
    password_env: str = "SMTP_PASSWORD"
    starttls: bool = False
    ssl: bool = False
    timeout_seconds: float = Field(default=30, gt=0)
    pause_seconds: float = Field(default=0, ge=0)
    ca_file: Path | None = None  # extra CA to trust (e.g. an internal relay's certificate)

    @model_validator(mode="after")
    def _one_tls_mode(self) -> Smtp:
        if self.ssl and self.starttls:
            raise ValueError("pilih salah satu: ssl atau starttls, bukan keduanya")
        return self


class Mail(_Strict):
    transport: Literal["outbox", "smtp"] = "outbox"
    outbox: Path = Path("outbox")
    sender: Sender = Sender()
    smtp: Smtp = Smtp()
    digest_recipients: tuple[MailAddress, ...] = ()
    unfinished_sends: Literal["report", "resend"] = "report"


class Bands(_Strict):
    """Lower bounds of the bands, highest first."""

    sangat_baik: float = 110
    baik: float = 90
    butuh_perbaikan: float = 70
    kurang: float = 50


class HasilKerjaBands(_Strict):
    di_atas: float = 110
    sesuai: float = 90


class AspectScores(_Strict):
    """The score each rating of a BerAKHLAK aspect counts for in the aspects' mean."""

    di_bawah: float = 1
    sesuai: float = 2
    di_atas: float = 3

    def by_rating(self) -> dict[str, float]:
        return dict(zip(RATINGS, (self.di_bawah, self.sesuai, self.di_atas), strict=True))


class PerilakuThresholds(_Strict):
    """Mean of the aspects' scores: >= di_atas is Di Atas, < di_bawah is Di Bawah.

    ``carry_over``: how many following months (or quarters) a month's (quarter's) rating still
    counts for, with a note, while the supervisor has not rated the new period.
    """

    di_atas: float = 2.5
    di_bawah: float = 1.5
    aspect_scores: AspectScores = AspectScores()
    carry_over: int = Field(default=1, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> PerilakuThresholds:
        s = self.aspect_scores
        if not s.di_bawah < s.sesuai < s.di_atas:
            raise ValueError("aspect_scores harus naik: di_bawah < sesuai < di_atas")
        if not s.di_bawah < self.di_bawah < self.di_atas <= s.di_atas:
            raise ValueError(
                "batas perilaku harus berurutan: aspect_scores.di_bawah < di_bawah < di_atas "
                "<= aspect_scores.di_atas"
            )
        return self


class CurveBound(_Strict):
    """One bound of the distribution curve on the share of some predikat (fractions of 1).

    ``at_least_one`` asks for one ASN with one of the predikat, whatever the share.
    """

    predikat: Annotated[tuple[Literal[PREDIKAT], ...], Field(min_length=1)]  # type: ignore[valid-type]
    minimum: float | None = Field(default=None, ge=0, le=1)
    maximum: float | None = Field(default=None, ge=0, le=1)
    at_least_one: bool = False


# domain.md, distribution curve (news summary of the PermenPANRB 6/2022 annex): for each
# organisation predikat, the bounds on how its employees' predikat may be spread.
DEFAULT_DISTRIBUTION = {
    "Istimewa": (CurveBound(predikat=("Sangat Baik",), maximum=0.70),),
    "Baik": (
        CurveBound(predikat=("Baik",), maximum=0.70),
        CurveBound(predikat=("Butuh Perbaikan", "Kurang/Misconduct"), at_least_one=True),
    ),
    "Butuh Perbaikan": (
        CurveBound(predikat=("Butuh Perbaikan",), minimum=0.60),
        CurveBound(predikat=("Sangat Baik",), maximum=0.10),
    ),
    "Kurang": (
        CurveBound(predikat=("Kurang/Misconduct",), minimum=0.60),
        CurveBound(predikat=("Butuh Perbaikan",), minimum=0.10),
        CurveBound(predikat=("Sangat Baik",), maximum=0.10),
    ),
    "Sangat Kurang": (
        CurveBound(predikat=("Sangat Kurang",), minimum=0.60),
        CurveBound(predikat=("Kurang/Misconduct", "Butuh Perbaikan"), minimum=0.10),
        CurveBound(predikat=("Sangat Baik",), maximum=0.0),
    ),
}


class Scoring(_Strict):
    cap: float = Field(default=120, gt=0)
    floor: float = 0
    target_met: float = 100  # an indicator's capaian from here up meets its target
    kategori: Bands = Bands()
    rating_hasil_kerja: HasilKerjaBands = HasilKerjaBands()
    perilaku: PerilakuThresholds = PerilakuThresholds()
    organisation_predikat: Literal[ORGANISATION_PREDIKAT] = "Baik"  # type: ignore[valid-type]
    trend_weeks: int = Field(default=8, ge=1, le=52)
    distribution_min_unit: int = Field(default=10, ge=1)  # ASN a unit needs for its own curve
    distribution: dict[Literal[ORGANISATION_PREDIKAT], tuple[CurveBound, ...]] = (
        DEFAULT_DISTRIBUTION  # type: ignore[valid-type]
    )

    @model_validator(mode="after")
    def _bands_descending(self) -> Scoring:
        k = self.kategori
        if not k.sangat_baik > k.baik > k.butuh_perbaikan > k.kurang:
            raise ValueError(
                "batas kategori harus menurun: sangat_baik > baik > butuh_perbaikan > kurang"
            )
        if not self.rating_hasil_kerja.di_atas > self.rating_hasil_kerja.sesuai:
            raise ValueError("rating_hasil_kerja.di_atas harus lebih besar dari sesuai")
        if not self.perilaku.di_atas > self.perilaku.di_bawah:
            raise ValueError("perilaku.di_atas harus lebih besar dari di_bawah")
        if self.floor >= self.cap:
            raise ValueError("floor harus lebih kecil dari cap")
        if not self.floor < self.target_met <= self.cap:
            raise ValueError("target_met harus lebih besar dari floor dan paling besar cap")
        if self.organisation_predikat not in self.distribution:
            raise ValueError(f"distribution tidak memuat kurva untuk {self.organisation_predikat}")
        return self


class Slot(NamedTuple):
    """A time in the week, on the wall clock of ``Config.timezone``; ``weekday`` 0 is Monday."""

    weekday: int
    time: dt.time


# Day names as typed in schedule: English or Indonesian, any case.
_WEEKDAY_NUMBERS = {
    **{name: number for number, name in enumerate(WEEKDAYS)},
    **{name: number for number, name in enumerate(HARI)},
    "jum'at": 4,
}
_SLOT = re.compile(r"(?P<day>[a-z']+)\s+(?P<hh>[01]?\d|2[0-3]):(?P<mm>[0-5]\d)")


def _parse_slot(value: object) -> object:
    """``"senin 07:00"`` or ``"monday 07:00"`` as a ``Slot``; anything else is refused."""
    if isinstance(value, Slot):
        return value
    match = _SLOT.fullmatch(value.strip().casefold()) if isinstance(value, str) else None
    if not match or match["day"] not in _WEEKDAY_NUMBERS:
        raise ValueError(
            "harus berbentuk 'hari JJ:MM' dengan nama hari dalam bahasa Indonesia atau Inggris, "
            "misalnya 'senin 07:00' atau 'monday 07:00'"
        )
    return Slot(_WEEKDAY_NUMBERS[match["day"]], dt.time(int(match["hh"]), int(match["mm"])))


WeeklySlot = Annotated[Slot, BeforeValidator(_parse_slot)]


class Schedule(_Strict):
    weekly: WeeklySlot = Slot(0, dt.time(7, 0))
    reminder: WeeklySlot | None = Slot(3, dt.time(14, 0))
    catch_up: bool = True
    log_file: Path = Path("state/capaian.log")
    log_max_bytes: int = Field(default=1_000_000, gt=0)  # the log file rotates at this size
    log_backups: int = Field(default=5, ge=1)  # rotated files kept beside it


def folded_units(units: tuple[str, ...], problem: str) -> tuple[str, ...]:
    """Satuan names as compared (trimmed, case folded); an empty one is ``problem``."""
    folded = tuple(unit.strip().casefold() for unit in units)
    if not all(folded):
        raise ValueError(problem)
    return folded


class Letters(_Strict):
    """Numbers of the letters' presentation."""

    amber_from: float = Field(default=70, ge=0)  # capaian from here below target_met is "close"
    top_rejected: int = Field(default=5, ge=1)  # units the digest names for rejected entries
    attention_lowest: int = Field(default=5, ge=0)  # lowest Nilai Capaian the digest names
    silent_weeks: int = Field(default=2, ge=1)  # weeks without a report that need attention
    # Indicator units (Satuan) counted in whole pieces: the weekly pace to the period target is
    # then rounded up to a whole number ("sekitar 4 dokumen per minggu"). A Satuan counts when
    # its first word is one of these (case ignored), so "dokumen SKP" counts as "dokumen".
    countable_units: tuple[str, ...] = (
        "dokumen",
        "kegiatan",
        "laporan",
        "surat",
        "berkas",
        "orang",
        "kali",
        "paket",
        "layanan",
        "izin",
        "rekomendasi",
        "rapat",
        "unit",
        "buah",
        "kasus",
        "peserta",
        "pengaduan",
        "sertifikat",
        "akta",
        "permohonan",
        "naskah",
        "lokasi",
        "sampel",
    )

    @field_validator("countable_units")
    @classmethod
    def _folded(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return folded_units(value, "setiap satuan terhitung harus berisi teks, misalnya 'dokumen'")


class Guide(_Strict):
    """Where ``run.py guide`` writes the workshop guide (one HTML page per unit and an index)."""

    folder: Path = Path("guide")


class Nip(_Strict):
    check_structure: bool = True  # PPPK numbers are encoded differently: set false to relax


class Validation(_Strict):
    """Validation's settings, passed whole into the pure validate functions."""

    # How alike (0-1, difflib ratio) an unknown header must be to a column's name to be reported
    # as that column renamed rather than as a column missing.
    header_match: float = Field(default=0.75, gt=0, le=1)
    # Indicator units (Satuan) that mean a percentage: a value over 100 then warns.
    percent_units: tuple[str, ...] = ("%", "persen")

    @field_validator("percent_units")
    @classmethod
    def _folded(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return folded_units(
            value, "setiap satuan persen harus berisi teks, misalnya '%' atau 'persen'"
        )


class Outcomes(_Strict):
    """Outcomes computed from the Survei and Layanan tabs (workflows/outcomes.py)."""

    # Fewer survey responses than this is warned beside the IKM (PermenPANRB 14/2017 sampling).
    min_responses: int = Field(default=30, ge=1)
    # Days off besides the national holidays: cuti bersama, local holidays.
    extra_holidays: tuple[dt.date, ...] = ()


class Config(_Strict):
    organisation: str = "Kecamatan Asemrowo"
    period: Period | None = None  # None: each run's period is the calendar year of its cut-off
    timezone: str = "Asia/Jakarta"
    backend: Literal["local", "google"] = "local"
    local: LocalBackend = LocalBackend()
    google: GoogleBackend = GoogleBackend()
    units: Annotated[tuple[Unit, ...], Field(min_length=1)]
    summary: Summary
    state: State = State()
    mail: Mail = Mail()
    scoring: Scoring = Scoring()
    letters: Letters = Letters()
    schedule: Schedule = Schedule()
    guide: Guide = Guide()
    nip: Nip = Nip()
    validation: Validation = Validation()
    outcomes: Outcomes = Outcomes()
    base_dir: Path = Path(".")  # the config file's folder; set by load_config

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("zona waktu tidak dikenal, misalnya 'Asia/Jakarta'") from exc
        return value

    @model_validator(mode="after")
    def _unique_units(self) -> Config:
        names = [u.name for u in self.units]
        books = [u.workbook for u in self.units]
        if len(set(names)) != len(names):
            raise ValueError("nama unit harus unik")
        if len(set(books)) != len(books) or self.summary.workbook in books:
            raise ValueError("setiap unit dan ringkasan harus memakai workbook yang berbeda")
        return self

    @model_validator(mode="after")
    def _amber_below_target(self) -> Config:
        if self.letters.amber_from >= self.scoring.target_met:
            raise ValueError(
                f"kunci 'letters.amber_from' ({_number(self.letters.amber_from)}) harus lebih "
                f"kecil dari kunci 'scoring.target_met' ({_number(self.scoring.target_met)})"
            )
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def path(self, value: Path) -> Path:
        """A config path made absolute against the config file's folder."""
        return value if value.is_absolute() else (self.base_dir / value)

    def unit(self, name: str) -> Unit:
        for unit in self.units:
            if unit.name.casefold() == name.casefold():
                return unit
        known = ", ".join(u.name for u in self.units)
        raise ConfigError(f"Unit '{name}' tidak ada di config. Unit yang dikenal: {known}.")


# -- errors, in the operator's words ---------------------------------------------------------------

# What each kind of pydantic error expects, in Indonesian; pydantic's own English never shows.
_DATE = "harus tanggal yang ada, berbentuk YYYY-MM-DD, misalnya 2026-01-01"
_MAPPING = "harus berupa bagian berisi pasangan kunci: nilai"
_LIST = "harus berupa daftar, misalnya [a, b]"
_INTEGER = "harus bilangan bulat, misalnya 5"
_NUMBER = "harus angka dengan titik desimal, misalnya 2.5"
_BOOL = "harus true atau false"
_EXPECTED = {
    "missing": "kunci ini wajib ada",
    "extra_forbidden": "kunci ini tidak dikenal (periksa ejaannya)",
    "model_type": _MAPPING,
    "model_attributes_type": _MAPPING,
    "dict_type": _MAPPING,
    "tuple_type": _LIST,
    "list_type": _LIST,
    "string_type": "harus teks",
    "string_too_short": "tidak boleh kosong",
    "too_short": "tidak boleh kosong",
    "int_type": _INTEGER,
    "int_parsing": _INTEGER,
    "int_from_float": _INTEGER,
    "float_type": _NUMBER,
    "float_parsing": _NUMBER,
    "finite_number": "harus angka biasa, bukan .nan atau .inf",
    "bool_type": _BOOL,
    "bool_parsing": _BOOL,
    "date_type": _DATE,
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": "harus tanggal tanpa jam, berbentuk YYYY-MM-DD",
    "path_type": "harus jalur berkas atau folder berupa teks, misalnya state",
}
_BOUNDS = {
    "greater_than": "lebih dari",
    "greater_than_equal": "paling sedikit",
    "less_than": "kurang dari",
    "less_than_equal": "paling banyak",
}
# Keys whose values are never printed: a password typed into config by mistake stays unseen.
_SECRET = re.compile(r"pass|token|secret|credential|api_?key|private", re.IGNORECASE)
_LONGEST_VALUE = 60  # a longer value (a whole section) is left out of the sentence


def _as_typed(value: Any, key: str = "") -> str:
    """``value`` as it would be written in YAML (``2026-12-31``, ``true``, ``"abc"``), with
    everything under a secret-like key shown as ``***``."""
    if _SECRET.search(key):
        return "***"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _Verbatim):
        return value
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else ("-.inf" if value < 0 else ".inf")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_as_typed(v, str(k))}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_as_typed(v) for v in value) + "]"
    return str(value)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The config section type inside a field's annotation (``tuple[Unit, ...]`` → ``Unit``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next(filter(None, map(_model_in, typing.get_args(annotation))), None)


def _known_keys(loc: tuple) -> list[str]:
    """The keys allowed beside the last one of ``loc`` (list indices and map keys are stepped
    over)."""
    model: type[BaseModel] | None = Config
    for part in loc[:-1]:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        if field is not None:
            model = _model_in(field.annotation)
        if model is None:
            return []
    return [name for name in model.model_fields if name != "base_dir"]


def _expected(error: dict[str, Any]) -> str:
    kind, ctx = error["type"], error.get("ctx", {})
    if kind == "literal_error":
        return "harus salah satu dari: " + ctx["expected"].replace("'", "").replace(" or ", ", ")
    if kind in _BOUNDS:
        bound = next(iter(ctx.values()))  # a float field's bound 0 arrives as 0.0
        shown = int(bound) if isinstance(bound, float) and bound.is_integer() else bound
        return f"harus {_BOUNDS[kind]} {shown}"
    if kind == "value_error":
        return str(ctx["error"])
    if kind == "extra_forbidden" and (known := _known_keys(error["loc"])):
        return f"{_EXPECTED[kind]}; yang dikenal di sini: {', '.join(known)}"
    return _EXPECTED.get(kind, f"nilai ini tidak sah (jenis kesalahan: {kind})")


def _number(value: float) -> str:
    """A number as a person typed it in YAML: ``70``, not ``70.0``."""
    return str(int(value)) if float(value).is_integer() else str(value)


def _explain(error: dict[str, Any]) -> str:
    """One validation error as a clause naming the key, its value as typed and what is expected."""
    key = ".".join(str(part) for part in error["loc"] if part != "[key]")
    if not key:  # a rule across sections, such as unique unit names
        return _expected(error)
    if error["type"] == "missing":
        return f"kunci '{key}' tidak ada: {_expected(error)}"
    value = _as_typed(error["input"], key)
    shown = f" bernilai {value}" if len(value) <= _LONGEST_VALUE else ""
    return f"kunci '{key}'{shown}: {_expected(error)}"


def parse_config(data: Any, *, base_dir: Path, source: str = "config.yaml") -> Config:
    """Validate a parsed YAML mapping; the error names every wrong key, its value and what is
    expected."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: isinya harus berupa pemetaan kunci: nilai.")
    try:
        return Config.model_validate({**data, "base_dir": base_dir})
    except ValidationError as exc:
        clauses = "; ".join(_explain(error) for error in exc.errors(include_url=False))
        raise ConfigError(f"{source}: {clauses}.") from None


class _Verbatim(str):
    """Text that YAML read unquoted (an impossible date): errors show it as typed, unquoted."""


class _Loader(yaml.SafeLoader):
    """Safe YAML in which an impossible date (``2026-02-31``) stays text, so validation names its
    key; PyYAML alone stops with a bare ``ValueError``."""


def _timestamp_or_text(loader: _Loader, node: yaml.ScalarNode) -> object:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return _Verbatim(loader.construct_scalar(node))


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def load_config(path: Path | str) -> Config:
    """Read, validate and freeze config.yaml."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"Berkas konfigurasi {path} tidak ditemukan.") from None
    except OSError as exc:
        raise ConfigError(
            f"Berkas konfigurasi {path} tidak dapat dibaca: {exc.strerror}."
        ) from None
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" baris {mark.line + 1} kolom {mark.column + 1}" if mark else ""
        raise ConfigError(
            f"{path}{where}: bukan YAML yang sah; periksa titik dua, tanda kurung, tanda kutip "
            "dan indentasi (spasi, bukan tab) di sekitar tempat itu."
        ) from None
    return parse_config(data, base_dir=path.resolve().parent, source=str(path))
