"""config.yaml is validated on load; every error names the key, the value and what is expected."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, write_config

from workflows.cli import main
from workflows.config import ConfigError, load_config


def _with(tmp_path: Path, dotted: str, value: object) -> Path:
    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
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
    assert config.period.start == dt.date(2026, 1, 1)
    assert config.period.days == 365
    assert config.backend == "local"
    assert len(config.units) == 7
    assert config.scoring.cap == 120
    assert config.scoring.kategori.baik == 90
    assert config.scoring.rating_hasil_kerja.di_atas == 110
    assert config.scoring.perilaku.di_atas == 2.5
    assert config.mail.transport == "outbox"
    assert config.schedule.weekly == "monday 07:00"


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


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("backend", "excel", "kunci 'backend' bernilai 'excel': salah satu dari: local, google"),
        (
            "period.start",
            "kemarin",
            "kunci 'period.start' bernilai 'kemarin': harus tanggal berbentuk YYYY-MM-DD",
        ),
        ("period", {"start": "2026-12-31", "end": "2026-01-01"}, "kunci 'period'"),
        ("scoring.cap", "seratus", "kunci 'scoring.cap' bernilai 'seratus': harus angka"),
        ("scoring.cap", -5, "kunci 'scoring.cap' bernilai -5: harus lebih dari 0"),
        (
            "scoring.organisation_predikat",
            "Hebat",
            "kunci 'scoring.organisation_predikat' bernilai 'Hebat'",
        ),
        (
            "scoring.kategori",
            {"sangat_baik": 80, "baik": 90, "butuh_perbaikan": 70, "kurang": 50},
            "batas kategori harus menurun",
        ),
        (
            "mail.transport",
            "pos",
            "kunci 'mail.transport' bernilai 'pos': salah satu dari: outbox, smtp",
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
            "kunci 'timezone' bernilai 'Asia/Surabaya': zona waktu tidak dikenal",
        ),
        (
            "schedule.weekly",
            "senin 07:00",
            "kunci 'schedule.weekly' bernilai 'senin 07:00': harus berbentuk",
        ),
        ("units", [], "kunci 'units' bernilai []: tidak boleh kosong"),
        ("colour", "biru", "kunci 'colour' bernilai 'biru': kunci ini tidak dikenal"),
        (
            "scoring.distribution.Baik",
            [{"predikat": ["Hebat"], "maximum": 0.5}],
            "kunci 'scoring.distribution.Baik.0.predikat.0' bernilai 'Hebat'",
        ),
        ("summary", _DELETE, "kunci 'summary' tidak ada: kunci ini wajib ada"),
    ],
)
def test_each_wrong_key_is_named_with_its_value_and_what_is_expected(
    tmp_path, key, value, expected
):
    with pytest.raises(ConfigError) as caught:
        load_config(_with(tmp_path, key, value))
    assert expected in str(caught.value)


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
