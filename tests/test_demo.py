"""The demo workbooks: realistic, valid except where a mistake is planted, and reproducible."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import time_machine
from conftest import DEMO_DATE, write_config

from workflows.calendar import PeriodOver, run_week, run_week_for
from workflows.cli import main
from workflows.config import Config, load_config
from workflows.demo import (
    ACCEPTED_FORMS,
    PLANTED_MISTAKES,
    planted_mistakes,
    write_demo,
)
from workflows.indonesian import MONTHS
from workflows.local import LocalWorkbook
from workflows.prepare import prepare_workbooks

TABS = ["Pegawai", "Indikator", "Realisasi", "Perilaku", "Refleksi"]
DEMO_DAY = dt.date.fromisoformat(DEMO_DATE)
FIRST_DAY, LAST_DAY = dt.date(2026, 1, 1), dt.date(2026, 11, 29)
COLUMNS = ["Tanggal", "NIP", "ID Indikator", "Realisasi", "Bukti", "Keterangan"]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hashes(config: Config) -> dict[str, str]:
    folder = config.path(config.local.folder)
    return {p.name: sha(p) for p in sorted(folder.iterdir())}


def nip_is_valid(nip: str) -> bool:
    """domain.md: birth YYYYMMDD, CPNS YYYYMM after birth at age 20-35, sex 1/2, sequence."""
    if not re.fullmatch(r"\d{18}", nip):
        return False
    try:
        birth = dt.date(int(nip[:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        return False
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12 or (year, month) <= (birth.year, birth.month):
        return False
    age = year - birth.year - (month < birth.month)
    return 20 <= age <= 35 and nip[14] in "12" and 1 <= int(nip[15:]) <= 999


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{1,2}) (\w+) (\d{4})", value)
    if match and match[2] in MONTHS:
        return dt.date(int(match[3]), MONTHS.index(match[2]) + 1, int(match[1]))
    return None


def parse_number(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and re.fullmatch(r"(\d{1,3}(\.\d{3})+|\d+)(,\d+)?%?", value):
        return float(value.replace(".", "").replace(",", ".").rstrip("%"))
    return None


@dataclass
class Unit:
    name: str
    tabs: dict[str, list[list[Any]]]
    active: set[str] = field(default_factory=set)
    indicators: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for nip, *_, status in self.rows("Pegawai"):
            if status == "Aktif":
                self.active.add(nip.replace(" ", ""))
        header = self.tabs["Indikator"][0]
        for row in self.rows("Indikator"):
            self.indicators[row[0]] = dict(zip(header, row, strict=False))

    def rows(self, tab: str) -> list[list[Any]]:
        """Data rows padded to the header's width."""
        width = len(self.tabs[tab][0])
        return [row + [None] * (width - len(row)) for row in self.tabs[tab][1:]]

    def realisasi_problems(self, row: list[Any]) -> set[str]:
        """The columns of a Realisasi row that are wrong (empty for a valid entry)."""
        tanggal, nip, ind_id, value, bukti = (row + [None] * 5)[:5]
        wrong = set()
        day = parse_date(tanggal)
        if day is None or not FIRST_DAY <= day <= LAST_DAY:
            wrong.add("Tanggal")
        nip = nip.replace(" ", "") if isinstance(nip, str) else None
        if nip not in self.active:
            wrong.add("NIP")
        indicator = self.indicators.get(ind_id)
        if indicator is None or (nip in self.active and indicator["NIP"] != nip):
            wrong.add("ID Indikator")
        number = parse_number(value)
        capped = indicator is not None and indicator["Satuan"] in {"%", "indeks"}
        if number is None or number < 0 or (capped and number > 100):
            wrong.add("Realisasi")
        if bukti is not None and not str(bukti).startswith("https://drive.example/"):
            wrong.add("Bukti")
        if bukti is None and indicator is not None and indicator["Wajib Bukti"] == "Ya":
            wrong.add("Bukti")
        return wrong


@pytest.fixture(scope="module")
def units(_demo_master: Path) -> dict[str, Unit]:
    config = load_config(_demo_master / "config.yaml")
    folder = config.path(config.local.folder)
    return {
        u.name: Unit(u.name, LocalWorkbook(folder / u.workbook).read_tabs(TABS))
        for u in config.units
    }


def test_roster_is_plausible(units):
    people = [(unit, row) for unit in units.values() for row in unit.rows("Pegawai")]
    nips = [row[0].replace(" ", "") for _, row in people]
    assert 35 <= len(people) <= 60
    assert all(isinstance(row[0], str) for _, row in people)  # NIPs are text
    assert [n for n in nips if not nip_is_valid(n)] == []
    assert len(set(nips)) == len(nips)
    emails = [row[3] for _, row in people]
    assert all(re.fullmatch(r"[a-z]+\.[a-z]+@asemrowo\.example", e) for e in emails)
    assert len(set(emails)) == len(emails)
    assert all(row[1] and row[2] for _, row in people)
    assert 1 <= sum(row[5] == "Nonaktif" for _, row in people) <= 2
    bosses = [row[4] for _, row in people if row[4] is not None]
    assert set(bosses) <= set(nips)
    assert sum(row[4] is None for _, row in people) == 1  # only the Camat reports outside
    camat = next(row[0] for _, row in people if row[2] == "Camat")
    heads = [units[name].rows("Pegawai")[0] for name in units if name != "Sekretariat"]
    assert {head[4] for head in heads} == {camat}


def test_every_active_asn_has_three_to_five_indicators(units):
    for unit in units.values():
        ids = [row[0] for row in unit.rows("Indikator")]
        assert len(set(ids)) == len(ids)
        per_nip = Counter(row[1] for row in unit.rows("Indikator"))
        assert set(per_nip) == unit.active, unit.name
        assert all(3 <= n <= 5 for n in per_nip.values()), unit.name
        ranges = [row[6] for row in unit.rows("Indikator") if isinstance(row[6], str)]
        assert all(re.fullmatch(r"\d+-\d+", r) for r in ranges)
    aspects = {row[4] for unit in units.values() for row in unit.rows("Indikator")}
    assert aspects == {"Kuantitas", "Kualitas", "Waktu", "Biaya"}


def test_rows_are_valid_except_the_planted_ones(units):
    planted = {(p.unit, p.row): p for p in PLANTED_MISTAKES}
    for unit in units.values():
        seen: Counter = Counter()
        for number, row in enumerate(unit.rows("Realisasi"), start=2):
            mistake = planted.get((unit.name, number))
            expected = set() if mistake is None or mistake.code == "duplicate-entry" else None
            wrong = unit.realisasi_problems(row)
            assert wrong == (expected if expected is not None else {mistake.column}), (
                unit.name,
                number,
                row,
            )
            if not wrong:
                key = (parse_date(row[0]), row[1].replace(" ", ""), row[2], parse_number(row[3]))
                seen[key] += 1
        repeats = sum(n - 1 for n in seen.values())
        assert repeats == sum(
            p.unit == unit.name and p.code == "duplicate-entry" for p in PLANTED_MISTAKES
        )


def test_every_indicator_has_entries_but_one(units):
    """Typed ones, that is: the Puskesmas IKM is computed from its Survei tab."""
    unused = [
        (unit.name, ind_id)
        for unit in units.values()
        for ind_id in set(unit.indicators) - {row[2] for row in unit.rows("Realisasi")}
        if not unit.indicators[ind_id]["Sumber"]
    ]
    assert len(unused) == 1
    computed = {
        u.name: {i["Sumber"] for i in u.indicators.values()} - {None} for u in units.values()
    }
    assert computed["Puskesmas Asemrowo"] == {"Survei: IKM"}


def test_some_asn_have_not_reported_in_the_demo_week(units):
    for_week = {
        row[1] for u in units.values() for row in u.rows("Realisasi")
        if (day := parse_date(row[0])) and day >= dt.date(2026, 11, 23)
    }  # fmt: skip
    active = set().union(*(u.active for u in units.values()))
    assert 3 <= len(active - for_week) <= 10


def test_planted_cells_hold_the_bad_values(units):
    for planted in PLANTED_MISTAKES:
        unit = units[planted.unit]
        row = unit.tabs[planted.tab][planted.row - 1]
        value = row[COLUMNS.index(planted.column)] if len(row) > 4 else None
        match planted.code:
            case "not-a-number":
                assert value == "dua belas"
            case "negative-number":
                assert value == -5
            case "formula-error":
                assert value == "#REF!"
            case "future-date":
                assert parse_date(value) == dt.date(2026, 12, 21)  # three weeks ahead
            case "impossible-date":
                assert value == "31/02/2026" and parse_date(value) is None
            case "unknown-indicator":
                assert value not in unit.indicators
            case "nip-scientific":
                assert isinstance(value, float)
                assert any(abs(int(n) - value) < 1000 for n in unit.active)
            case "invalid-url":
                assert value == "drive folder saya"
            case "evidence-required":
                assert value is None and unit.indicators[row[2]]["Wajib Bukti"] == "Ya"
            case "duplicate-entry":
                assert planted.severity == "warning"
                assert row[:6] == unit.tabs["Realisasi"][planted.row][:6]
            case _:
                pytest.fail(f"unknown code {planted.code}")
        assert planted.severity == ("warning" if planted.code == "duplicate-entry" else "error")
    assert {p.code for p in PLANTED_MISTAKES} == {
        "not-a-number",
        "evidence-required",
        "duplicate-entry",
        "future-date",
        "impossible-date",
        "unknown-indicator",
        "nip-scientific",
        "invalid-url",
        "formula-error",
        "negative-number",
    }


def test_accepted_forms_are_unusual_but_valid(units):
    forms = []
    for accepted in ACCEPTED_FORMS:
        unit = units[accepted.unit]
        row = unit.tabs[accepted.tab][accepted.row - 1]
        header = unit.tabs[accepted.tab][0]
        value = row[header.index(accepted.column)]
        assert isinstance(value, str) and accepted.code == "ok"
        if accepted.column == "NIP":
            assert re.fullmatch(r"\d{8} \d{6} [12] \d{3}", value)
            forms.append("nip")
        elif accepted.column == "Tanggal":
            assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ 2026", value)
            forms.append("date")
        else:
            forms.append("comma" if "%" not in value else "percent")
            forms += ["thousands"] if "." in value else []
        if accepted.tab == "Realisasi":
            assert unit.realisasi_problems(row) == set()
    assert set(forms) == {"nip", "date", "comma", "percent", "thousands"}


def test_behaviour_and_reflection(units):
    rated, active = set(), set()
    for unit in units.values():
        active |= unit.active
        for row in unit.rows("Perilaku"):
            assert re.fullmatch(r"2026-(0[1-9]|1[01]|Q[1-4])", row[0])
            assert row[1] in unit.active
            assert all(r in {None, *RATINGS} for r in row[2:11])
            rated.add(row[1])
        for row in unit.rows("Refleksi"):
            assert row[0] in {"2026-W46", "2026-W47", "2026-W48"} and row[1] in unit.active
    assert 1 <= len(active - rated) <= 5
    aspects = Counter(r for u in units.values() for row in u.rows("Perilaku") for r in row[2:9])
    assert aspects.most_common(1)[0][0] == "Sesuai Ekspektasi"
    assert aspects["Di Atas Ekspektasi"] > aspects["Di Bawah Ekspektasi"] > 0


RATINGS = ("Di Bawah Ekspektasi", "Sesuai Ekspektasi", "Di Atas Ekspektasi")


def test_the_same_bytes_every_time(demo_config, tmp_path):
    again = tmp_path / "again"
    again.mkdir()
    (again / "config.yaml").write_text((tmp_path / "config.yaml").read_text())
    other = load_config(again / "config.yaml")
    written = write_demo(other, today=DEMO_DAY)
    assert written == [u.workbook for u in other.units] + [other.summary.workbook]
    assert hashes(other) == hashes(demo_config)
    assert write_demo(demo_config, force=True, today=DEMO_DAY) == written
    assert hashes(other) == hashes(demo_config)


def test_existing_files_are_left_alone(demo_config):
    before = hashes(demo_config)
    assert write_demo(demo_config, today=DEMO_DAY) == []
    folder = demo_config.path(demo_config.local.folder)
    (folder / "trantib.xlsx").unlink()
    assert write_demo(demo_config, today=DEMO_DAY) == ["trantib.xlsx"]
    assert hashes(demo_config) == before


def test_init_finds_nothing_to_do_and_keeps_the_formula(demo_config):
    before = hashes(demo_config)
    assert prepare_workbooks(demo_config) == []
    assert hashes(demo_config) == before
    path = demo_config.path(demo_config.local.folder) / "trantib.xlsx"
    ws = openpyxl.load_workbook(path)["Realisasi"]
    formulas = [c for row in ws.iter_rows(min_col=6, max_col=6) for c in row if c.data_type == "f"]
    assert [c.value for c in formulas] == ['="Lembur "&"2 jam"']
    assert ws["A2"].number_format == "DD/MM/YYYY"


# -- the demo of any day ----------------------------------------------------------------------------

WIB = dt.timezone(dt.timedelta(hours=7))


def calendar_year(day: dt.date) -> dict[str, str]:
    year = run_week(day).period
    return {"start": year.start.isoformat(), "end": year.end.isoformat()}


@pytest.mark.parametrize(
    ("day", "key", "last_entry"),
    [
        ("2027-03-10", "2027-W09", dt.date(2027, 3, 5)),  # a Wednesday: Friday's entries count
        ("2031-01-06", "2031-W01", dt.date(2030, 12, 31)),  # 2030's final week: Mon 30 - Tue 31
    ],
)
def test_the_demo_of_another_day_has_a_live_week_and_only_its_planted_mistakes(
    tmp_path, day, key, last_entry
):
    today = dt.date.fromisoformat(day)
    # pinned to the calendar year only until check and publish take the period from the week
    path = write_config(tmp_path, period=calendar_year(today))
    config = load_config(path)
    write_demo(config, today=today)
    folder = config.path(config.local.folder)
    realisasi = [LocalWorkbook(folder / u.workbook).read_tabs(["Realisasi"]) for u in config.units]
    dates = {parse_date(row[0]) for tabs in realisasi for row in tabs["Realisasi"][1:]}
    assert max(d for d in dates if d is not None and d <= last_entry) == last_entry
    assert sorted(d for d in dates if d is not None and d > last_entry) == [
        today + dt.timedelta(days=21)  # the planted future date
    ]
    with time_machine.travel(dt.datetime.combine(today, dt.time(7), tzinfo=WIB), tick=False):
        assert main(["score", "--date", day, "--config", str(path)]) == 0
    summary = LocalWorkbook(folder / config.summary.workbook).read_tabs(
        ["Temuan Validasi", "Ringkasan Unit"]
    )
    findings = {(r[1], r[3], r[4], r[5], r[8]) for r in summary["Temuan Validasi"][1:]}
    planted = planted_mistakes(run_week(today))
    assert findings == {(p.unit, p.tab, p.row, p.column, p.code) for p in planted}
    # every planted Realisasi row, and the survey's bad answers among this period's responses
    assert len(findings) == len(planted) > len(PLANTED_MISTAKES)
    header, *units = summary["Ringkasan Unit"]
    organisation = dict(zip(header, units[-1], strict=False))
    assert (organisation["Minggu"], organisation["Unit"]) == (key, "Kecamatan Asemrowo")
    assert organisation["Jumlah ASN"] == 49
    assert 0.8 <= organisation["Persentase Melapor"] < 1  # a few stay silent on purpose


def test_the_demo_follows_the_calendar_unless_a_period_is_pinned(tmp_path):
    today = dt.date(2027, 3, 10)
    folders = {}
    for name, period in (("calendar", None), ("pinned", calendar_year(today))):
        (tmp_path / name).mkdir()
        folders[name] = load_config(write_config(tmp_path / name, period=period))
        write_demo(folders[name], today=today)
    assert hashes(folders["calendar"]) == hashes(folders["pinned"])
    pinned_2026 = load_config(
        write_config(tmp_path, period={"start": "2026-01-01", "end": "2026-12-31"})
    )
    with pytest.raises(PeriodOver):
        write_demo(pinned_2026, today=today)


def test_a_demo_of_a_periods_first_days_squeezes_its_planted_rows_in(tmp_path, capsys):
    today = dt.date(2027, 1, 11)  # period 2027's first week: Friday 1 to Sunday 10 January
    path = write_config(tmp_path, period=calendar_year(today))
    write_demo(load_config(path), today=today)
    with time_machine.travel(dt.datetime.combine(today, dt.time(7), tzinfo=WIB), tick=False):
        assert main(["validate", "--json", "--date", "2027-01-11", "--config", str(path)]) == 0
    findings = json.loads(capsys.readouterr().out)
    planted = planted_mistakes(run_week(today))
    assert max(p.row for p in planted) < 60  # about twenty entries a unit
    assert {(f["tab"], f["row"], f["column"], f["code"]) for f in findings} == {
        (p.tab, p.row, p.column, p.code) for p in planted
    }
    assert len(findings) == len(PLANTED_MISTAKES)


def test_a_demo_with_no_working_day_yet_has_no_entries(tmp_path):
    # a period pinned from Wednesday 1 July: a run on Monday 6 July scores 1-5 July
    path = write_config(tmp_path, period={"start": "2026-07-01", "end": "2026-12-31"})
    config = load_config(path)
    write_demo(config, today=dt.date(2026, 7, 6))
    book = LocalWorkbook(config.path(config.local.folder) / "pelayanan.xlsx")
    tabs = book.read_tabs(["Realisasi", "Perilaku", "Refleksi"])
    assert len(tabs["Realisasi"]) == 1  # the header only
    assert {row[0] for row in tabs["Perilaku"][1:]} == {"2026-07"}
    assert {row[0] for row in tabs["Refleksi"][1:]} == {"2026-W27"}
    assert planted_mistakes(run_week_for(config, dt.date(2026, 7, 6))) == ()
