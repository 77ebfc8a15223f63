"""config.yaml is validated on load; every error names the key, the value and what is expected."""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, write_config

from workflows.cli import main
from workflows.config import ConfigError, Slot, load_config, parse_config


def _with(tmp_path: Path, dotted: str, value: object) -> Path:
    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    data["period"] = {"start": "2026-01-01", "end": "2026-12-31"}  # pinned, to be made wrong
    *parents, last = dotted.split(".")
    node = data
    for part in parents:
        node = node[part]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


_DELETE = object()


def test_repository_config_loads_with_the_documented_defaults():
    config = load_config(ROOT / "config.yaml")
    assert config.period is None  # the SKP period follows the calendar year
    assert config.backend == "local"
    assert len(config.units) == 7
    assert config.scoring.cap == 120
    assert config.scoring.kategori.baik == 90
    assert config.scoring.rating_hasil_kerja.di_atas == 110
    assert config.scoring.perilaku.di_atas == 2.5
    assert config.mail.transport == "outbox"
    assert config.schedule.weekly == Slot(0, dt.time(7, 0))
    assert config.schedule.reminder == Slot(3, dt.time(14, 0))
    assert (config.schedule.log_max_bytes, config.schedule.log_backups) == (1_000_000, 5)


def test_the_distribution_curve_lives_in_config(tmp_path):
    from workflows.config import DEFAULT_DISTRIBUTION
    from workflows.score import check_distribution

    assert load_config(ROOT / "config.yaml").scoring.distribution == DEFAULT_DISTRIBUTION
    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    data["scoring"]["distribution"]["Baik"][0]["maximum"] = 0.9
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    scoring = load_config(path).scoring
    counts = {"Sangat Baik": 1, "Baik": 8, "Butuh Perbaikan": 1}  # Baik 80%
    assert check_distribution(counts, "Baik") != []
    assert check_distribution(counts, "Baik", curve=scoring.distribution) == []


def test_relative_paths_resolve_against_the_config_folder(tmp_path: Path):
    config = load_config(write_config(tmp_path))
    assert config.path(config.local.folder) == tmp_path / "data" / "demo"
    assert config.path(config.state.folder) == tmp_path / "state"
    assert config.path(Path("/abs/x")) == Path("/abs/x")


def test_config_is_frozen(config):
    with pytest.raises(ValueError):
        config.backend = "google"


# The representative set: each kind of mistake gives one Indonesian sentence naming the key, its
# value as typed in YAML and what is expected, word for word.
@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("summary", _DELETE, "kunci 'summary' tidak ada: kunci ini wajib ada"),
        (
            "nip.check_structure",
            "ya",
            "kunci 'nip.check_structure' bernilai \"ya\": harus true atau false",
        ),
        ("organisation", True, "kunci 'organisation' bernilai true: harus teks"),
        (
            "nip.check_structure",
            dt.date(2026, 12, 31),
            "kunci 'nip.check_structure' bernilai 2026-12-31: harus true atau false",
        ),
        (
            "mail.smtp.port",
            "abc",
            "kunci 'mail.smtp.port' bernilai \"abc\": harus bilangan bulat, misalnya 5",
        ),
        (
            "nip.colour",
            "biru",
            "kunci 'nip.colour' bernilai \"biru\": kunci ini tidak dikenal (periksa ejaannya); "
            "yang dikenal di sini: check_structure",
        ),
        (
            "backend",
            "excel",
            "kunci 'backend' bernilai \"excel\": harus salah satu dari: local, google",
        ),
        (
            "period.start",
            "2026-13-01",
            "kunci 'period.start' bernilai \"2026-13-01\": harus tanggal yang ada, berbentuk "
            "YYYY-MM-DD, misalnya 2026-01-01",
        ),
        (
            "mail.digest_recipients",
            ["camat@asemrowo.example", "sekcam di asemrowo"],
            "kunci 'mail.digest_recipients.1' bernilai \"sekcam di asemrowo\": harus alamat email "
            "yang sah, misalnya kinerja@kecamatan.go.id",
        ),
        (
            "mail.sender.address",
            "kinerja@asemrowo",
            "kunci 'mail.sender.address' bernilai \"kinerja@asemrowo\": harus alamat email yang sah, "
            "misalnya kinerja@kecamatan.go.id",
        ),
        ("scoring.cap", -5, "kunci 'scoring.cap' bernilai -5: harus lebih dari 0"),
        (
            "schedule.log_backups",
            -1,
            "kunci 'schedule.log_backups' bernilai -1: harus paling sedikit 1",
        ),
        (
            "schedule.weekly",
            "tiap senin pagi",
            "kunci 'schedule.weekly' bernilai \"tiap senin pagi\": harus berbentuk 'hari JJ:MM' "
            "dengan nama hari dalam bahasa Indonesia atau Inggris, misalnya 'senin 07:00' atau "
            "'monday 07:00'",
        ),
        (
            "scoring.trend_weeks",
            float("nan"),
            "kunci 'scoring.trend_weeks' bernilai .nan: harus angka biasa, bukan .nan atau .inf",
        ),
    ],
)
def test_each_kind_of_mistake_is_one_indonesian_sentence(tmp_path, key, value, expected):
    path = _with(tmp_path, key, value)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == f"{path}: {expected}."


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("period", {"start": "2026-12-31", "end": "2026-01-01"}, "kunci 'period'"),
        ("scoring.cap", "seratus", "kunci 'scoring.cap' bernilai \"seratus\": harus angka"),
        (
            "scoring.organisation_predikat",
            "Hebat",
            "kunci 'scoring.organisation_predikat' bernilai \"Hebat\"",
        ),
        (
            "scoring.kategori",
            {"sangat_baik": 80, "baik": 90, "butuh_perbaikan": 70, "kurang": 50},
            "batas kategori harus menurun",
        ),
        (
            "mail.transport",
            "pos",
            "kunci 'mail.transport' bernilai \"pos\": harus salah satu dari: outbox, smtp",
        ),
        (
            "mail.smtp.port",
            70000,
            "kunci 'mail.smtp.port' bernilai 70000: harus paling banyak 65535",
        ),
        ("mail.sender.name", "Asemrowo\nBcc: x@y", "tidak boleh berisi baris baru"),
        (
            "timezone",
            "Asia/Surabaya",
            "kunci 'timezone' bernilai \"Asia/Surabaya\": zona waktu tidak dikenal",
        ),
        ("units", [], "kunci 'units' bernilai []: tidak boleh kosong"),
        (
            "colour",
            "biru",
            "kunci 'colour' bernilai \"biru\": kunci ini tidak dikenal (periksa ejaannya); "
            "yang dikenal di sini: organisation, period,",
        ),
        (
            "scoring.distribution.Baik",
            [{"predikat": ["Hebat"], "maximum": 0.5}],
            "kunci 'scoring.distribution.Baik.0.predikat.0' bernilai \"Hebat\"",
        ),
        (
            "period.end",
            dt.datetime(2026, 12, 31, 7, 30),
            "kunci 'period.end' bernilai 2026-12-31 07:30:00: harus tanggal tanpa jam",
        ),
    ],
)
def test_each_wrong_key_is_named_with_its_value_and_what_is_expected(
    tmp_path, key, value, expected
):
    with pytest.raises(ConfigError) as caught:
        load_config(_with(tmp_path, key, value))
    assert expected in str(caught.value)


def test_an_impossible_date_is_a_config_error_not_a_crash(tmp_path):
    path = tmp_path / "config.yaml"
    text = (ROOT / "config.yaml").read_text(encoding="utf-8")
    text += "period: {start: 2026-01-01, end: 2026-02-31}\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == (
        f"{path}: kunci 'period.end' bernilai 2026-02-31: harus tanggal yang ada, berbentuk "
        "YYYY-MM-DD, misalnya 2026-01-01."
    )


def test_every_mistake_is_named_at_once(tmp_path):
    path = _with(tmp_path, "backend", "excel")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["mail"]["sender"]["address"] = "kinerja"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "kunci 'backend'" in message and "kunci 'mail.sender.address'" in message
    assert "\n" not in message


SECRET = "hunter2-Rahasia"


@pytest.mark.parametrize(
    ("key", "value", "named"),
    [
        ("mail.smtp.password", SECRET, "mail.smtp.password"),  # typed into config by mistake
        ("mail.smtp.password_env", [SECRET], "mail.smtp.password_env"),
        ("google.credentials", {"private_key": SECRET}, "google.credentials"),
        ("google.token", SECRET, "google.token"),
        ("mail.smtp", [{"secret": SECRET}], "mail.smtp"),  # a whole section, the secret inside
        ("mail.smtp", {"api_key": SECRET, "ssl": True, "starttls": True}, "mail.smtp.api_key"),
    ],
)
def test_secrets_are_never_echoed(tmp_path, capsys, key, value, named):
    path = _with(tmp_path, key, value)
    assert main(["init", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"kunci '{named}'" in err and "***" in err
    assert "hunter2" not in err and "Rahasia" not in err


def _leaves(node: dict, prefix: tuple = ()):
    for key, value in node.items():
        if isinstance(value, dict) and key != "distribution":
            yield from _leaves(value, (*prefix, key))
        else:
            yield (*prefix, key)


def test_no_english_from_pydantic_ever_reaches_the_user(tmp_path):
    """Every key of config.yaml, given each kind of wrong value: one Indonesian sentence that
    names the key; none of pydantic's English ("Input should be a valid ...")."""
    base = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    wrong = [{"x": 1}, [1], "abc", "", -1, 1.5, True, None, dt.date(2026, 2, 1), float("inf")]
    english = re.compile(r"\b(input|should|valid|value error|field|required|extra)\b", re.I)
    refused = 0
    for leaf in _leaves(base):
        for value in wrong:
            data = copy.deepcopy(base)
            node = data
            for part in leaf[:-1]:
                node = node[part]
            node[leaf[-1]] = value
            try:
                parse_config(data, base_dir=tmp_path)
            except ConfigError as exc:
                message = str(exc)
                refused += 1
                # the key, or the section whose rule spans it (cap and floor)
                named = [f"kunci '{'.'.join(leaf[:i])}" for i in range(1, len(leaf) + 1)]
                assert any(name in message for name in named), message
                assert not english.search(message), message
                assert "jenis kesalahan" not in message, message  # every kind has its sentence
                assert "\n" not in message
    assert refused > 200


@pytest.mark.parametrize(
    ("typed", "weekday", "time"),
    [
        ("senin 07:00", 0, dt.time(7, 0)),
        ("Selasa 08:15", 1, dt.time(8, 15)),
        ("rabu 9:30", 2, dt.time(9, 30)),
        ("kamis 14:00", 3, dt.time(14, 0)),
        ("jumat 13:30", 4, dt.time(13, 30)),
        ("Jum'at 13:30", 4, dt.time(13, 30)),
        ("sabtu 06:00", 5, dt.time(6, 0)),
        ("minggu 23:59", 6, dt.time(23, 59)),
        ("monday 07:00", 0, dt.time(7, 0)),
        ("Thursday 14:00", 3, dt.time(14, 0)),
        ("sunday 00:00", 6, dt.time(0, 0)),
    ],
)
def test_schedule_days_in_indonesian_or_english(tmp_path, typed, weekday, time):
    schedule = load_config(_with(tmp_path, "schedule.reminder", typed)).schedule
    assert schedule.reminder == Slot(weekday, time)
    assert schedule.weekly == Slot(0, dt.time(7, 0))


@pytest.mark.parametrize("typed", ["senen 07:00", "senin 24:00", "senin", "07:00 senin"])
def test_a_wrong_schedule_is_refused(tmp_path, typed):
    with pytest.raises(ConfigError, match="kunci 'schedule.reminder'"):
        load_config(_with(tmp_path, "schedule.reminder", typed))


def test_unit_names_must_be_unique(tmp_path):
    units = [{"name": "A", "workbook": "a.xlsx"}, {"name": "A", "workbook": "b.xlsx"}]
    with pytest.raises(ConfigError, match="nama unit harus unik"):
        load_config(_with(tmp_path, "units", units))


def test_missing_and_malformed_files_are_explained(tmp_path):
    with pytest.raises(ConfigError, match="tidak ditemukan"):
        load_config(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("period: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="bukan YAML yang sah"):
        load_config(bad)
    listy = tmp_path / "list.yaml"
    listy.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="pemetaan kunci"):
        load_config(listy)


def test_cli_exits_2_with_one_sentence_naming_the_key(tmp_path, capsys):
    path = _with(tmp_path, "scoring.cap", "seratus")
    assert main(["init", "--config", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "scoring.cap" in err[0] and "seratus" in err[0]


def test_cli_rejects_a_bad_date_with_status_2(config_path, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["init", "--config", str(config_path), "--date", "2026-02-31"])
    assert caught.value.code == 2
    assert "2026-02-31" in capsys.readouterr().err


def test_unknown_unit_is_a_config_error(config_path, capsys):
    assert main(["init", "--config", str(config_path), "--unit", "Seksi Rahasia"]) == 2
    assert "Seksi Rahasia" in capsys.readouterr().err


def test_demo_refuses_a_google_config(tmp_path, capsys):
    path = write_config(tmp_path, backend="google")
    assert main(["demo", "--config", str(path)]) == 2
    assert "backend: local" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()
