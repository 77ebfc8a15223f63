"""config.yaml, loaded once into a frozen, validated object.

A wrong or missing key raises ``ConfigError`` with one Indonesian sentence naming the key, the
value and what is expected; the CLI prints it and exits with status 2. Relative paths resolve
against the folder of the config file, so a config anywhere works.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .labels import ORGANISATION_PREDIKAT, PREDIKAT, RATINGS

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class ConfigError(ValueError):
    """config.yaml is missing, unreadable or has a wrong key; the message is for the operator."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Period(_Strict):
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


class LocalBackend(_Strict):
    folder: Path = Path("data")


class GoogleBackend(_Strict):
    credentials: Path | None = None
    credentials_env: str = "GOOGLE_APPLICATION_CREDENTIALS"


class Unit(_Strict):
    name: str = Field(min_length=1)
    workbook: str = Field(min_length=1)
    url: str | None = None  # a link for letters; for google the sheet URL is derived from the key


class Summary(_Strict):
    workbook: str = Field(min_length=1)
    url: str | None = None


class State(_Strict):
    folder: Path = Path("state")


class Sender(_Strict):
    name: str = "Kecamatan Asemrowo"
    address: str = "kinerja@asemrowo.example"

    @field_validator("name", "address")
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
    digest_recipients: tuple[str, ...] = ()
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


_AT = re.compile(r"^(?P<day>[a-z]+) (?P<hh>[01]\d|2[0-3]):(?P<mm>[0-5]\d)$")


def _check_when(value: str) -> str:
    match = _AT.match(value.strip().lower())
    if not match or match["day"] not in WEEKDAYS:
        raise ValueError(
            "harus berbentuk 'hari JJ:MM' dengan hari dalam bahasa Inggris, misalnya 'monday 07:00'"
        )
    return value.strip().lower()


class Schedule(_Strict):
    weekly: str = "monday 07:00"
    reminder: str | None = "thursday 14:00"
    catch_up: bool = True
    log_file: Path = Path("state/capaian.log")

    @field_validator("weekly", "reminder")
    @classmethod
    def _valid_when(cls, value: str | None) -> str | None:
        return None if value is None else _check_when(value)


class Letters(_Strict):
    """Numbers of the letters' presentation."""

    amber_from: float = Field(default=70, ge=0)  # capaian from here below target_met is "close"
    top_rejected: int = Field(default=5, ge=1)  # units the digest names for rejected entries


class Nip(_Strict):
    check_structure: bool = True  # PPPK numbers are encoded differently: set false to relax


class Config(_Strict):
    organisation: str = "Kecamatan Asemrowo"
    period: Period
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
    nip: Nip = Nip()
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
            raise ValueError("letters.amber_from harus lebih kecil dari scoring.target_met")
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


_EXPECTED = {
    "missing": "kunci ini wajib ada",
    "extra_forbidden": "kunci ini tidak dikenal (periksa ejaannya)",
    "date_from_datetime_parsing": "harus tanggal berbentuk YYYY-MM-DD",
    "date_parsing": "harus tanggal berbentuk YYYY-MM-DD",
    "date_type": "harus tanggal berbentuk YYYY-MM-DD",
    "int_parsing": "harus bilangan bulat",
    "int_type": "harus bilangan bulat",
    "float_parsing": "harus angka",
    "float_type": "harus angka",
    "bool_parsing": "harus true atau false",
    "bool_type": "harus true atau false",
    "string_type": "harus teks",
    "too_short": "tidak boleh kosong",
    "string_too_short": "tidak boleh kosong",
    "model_type": "harus berupa bagian (pemetaan kunci: nilai)",
    "tuple_type": "harus berupa daftar",
}


def _explain(error: dict[str, Any]) -> str:
    key = ".".join(str(part) for part in error["loc"]) or "(akar)"
    kind = error["type"]
    if kind == "literal_error":
        expected = "salah satu dari: " + error["ctx"]["expected"].replace("'", "").replace(
            " or ", ", "
        )
    elif kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        bound = next(iter(error["ctx"].values()))
        words = {
            "greater_than": "lebih dari",
            "greater_than_equal": "paling sedikit",
            "less_than": "kurang dari",
            "less_than_equal": "paling banyak",
        }[kind]
        expected = f"harus {words} {bound}"
    elif kind == "value_error":
        expected = str(error["ctx"]["error"])
    else:
        expected = _EXPECTED.get(kind, error["msg"])
    if kind == "missing":
        return f"kunci '{key}' tidak ada: {expected}"
    return f"kunci '{key}' bernilai {error.get('input')!r}: {expected}"


def parse_config(data: Any, *, base_dir: Path, source: str = "config.yaml") -> Config:
    """Validate a parsed YAML mapping; errors name the key, the value and what is expected."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: isinya harus berupa pemetaan kunci: nilai.")
    try:
        return Config.model_validate({**data, "base_dir": base_dir})
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        more = len(exc.errors()) - 1
        tail = f" (dan {more} kesalahan lain)" if more else ""
        raise ConfigError(f"{source}: {_explain(first)}{tail}.") from None


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
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" baris {mark.line + 1}" if mark else ""
        raise ConfigError(
            f"{path}{where}: bukan YAML yang sah ({getattr(exc, 'problem', exc)})."
        ) from None
    return parse_config(data, base_dir=path.resolve().parent, source=str(path))
