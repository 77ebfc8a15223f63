"""The runs under faults and replays: Log Proses tells the truth, an unreadable unit is visible,
a replayed week never changes what staff see, and the command line behaves as a user expects."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import openpyxl

from tests.conftest import DEMO_DATE, ROOT, write_config
from tests.smtp_server import SmtpServer
from tests.test_weekly import DIGEST, demo_clock, run, summary_tab, with_mail  # noqa: F401
from workflows import publish
from workflows.cli import main as cli_main

PELAYANAN_BOOK = "pelayanan.xlsx"


def statuses(config, workbook: str) -> list[tuple]:
    """(Status, Pesan Validasi) of every Realisasi row, as stored in the file."""
    ws = openpyxl.load_workbook(config.path(config.local.folder) / workbook)["Realisasi"]
    header = [c.value for c in ws[1]]
    s, m = header.index("Status"), header.index("Pesan Validasi")
    return [(row[s], row[m]) for row in ws.iter_rows(min_row=2, values_only=True)]


# -- Log Proses ----------------------------------------------------------------------------------


def test_one_log_row_per_run_with_what_it_did(demo_config):
    config = with_mail(demo_config)
    assert run(config, "weekly") == 0
    assert run(config, "score") == 0
    log = summary_tab(config, "log_proses")
    assert list(log["perintah"]) == ["weekly", "score"]
    assert list(log["hasil"]) == ["Selesai", "Selesai"]
    weekly_row = log.iloc[0]
    assert (weekly_row["minggu"], weekly_row["unit"], weekly_row["asn"]) == ("2026-W48", 7, 49)
    assert weekly_row["surat_terkirim"] == 59  # 49 letters, 8 team letters and 2 digests
    assert "59 terkirim, 0 dilewati, 0 gagal, 0 belum pasti." in weekly_row["keterangan"]


def test_a_failed_score_is_logged_as_failed_and_nothing_is_published(demo_config, monkeypatch):
    def broken(**tables):
        raise KeyError("perilaku")

    monkeypatch.setattr(publish, "score_week", broken)
    assert run(demo_config, "score") == 1
    (row,) = summary_tab(demo_config, "log_proses").to_dict("records")
    assert row["perintah"] == "score" and row["hasil"] == "Gagal"
    assert row["keterangan"].endswith("KeyError: 'perilaku'")
    assert summary_tab(demo_config, "riwayat").empty


def test_a_mail_server_that_is_gone_is_logged_as_failed(demo_config, capsys):
    with SmtpServer() as server:
        port = server.port
    config = with_mail(demo_config, transport="smtp", smtp={"port": port})  # nobody listens
    assert run(config, "weekly") == 1
    assert "Pengiriman surat berhenti" in capsys.readouterr().err
    (row,) = summary_tab(config, "log_proses").to_dict("records")
    assert (row["perintah"], row["hasil"]) == ("weekly", "Gagal")
    assert "Pengiriman surat berhenti" in row["keterangan"]


# -- an unreadable unit ----------------------------------------------------------------------------


def test_an_unreadable_unit_is_named_everywhere_and_the_week_completes_after_the_fix(
    demo_config, capsys
):
    config = with_mail(demo_config)
    # the Sekretariat holds the camat and the sekcam, the supervisors of the other units' heads
    book = config.path(config.local.folder) / "sekretariat.xlsx"
    good = book.read_bytes()
    book.write_bytes(good[: len(good) // 2])  # a truncated file, as a broken sync leaves it

    assert run(config, "weekly") == 1
    out, err = capsys.readouterr()
    assert "Perhatian: unit Sekretariat tidak terbaca" in err
    assert "Sekretariat                 tidak terbaca" in out
    units = summary_tab(config, "ringkasan_unit")
    row = units[units["unit"] == "Sekretariat"].iloc[0]
    assert row["keterangan"].startswith("Tidak terbaca: ")
    organisation = units.iloc[-1]
    assert (organisation["unit"], organisation["jumlah_asn"]) == ("Kecamatan Asemrowo", 41)
    (log,) = summary_tab(config, "log_proses").to_dict("records")
    assert log["hasil"] == "Sebagian" and "Unit Sekretariat tidak terbaca" in log["keterangan"]
    # the other units' letters went out; no supervisor turned into an unknown-NIP finding
    outbox = config.path(config.mail.outbox) / "2026-W48"
    assert len(list(outbox.glob("mingguan-*.eml"))) == 41
    findings = summary_tab(config, "temuan_validasi")
    assert "unknown-supervisor" not in set(findings["code"])
    digests = sorted(outbox.glob("ringkasan-*.html"))
    assert len(digests) == 2
    digest = digests[0].read_text(encoding="utf-8")
    assert "Ringkasan ini belum lengkap" in digest and "Sekretariat: " in digest
    riwayat = summary_tab(config, "riwayat")
    assert len(riwayat[riwayat["minggu"] == "2026-W48"]) == 41

    book.write_bytes(good)  # the admin restores the file
    assert run(config, "weekly") == 0
    riwayat = summary_tab(config, "riwayat")
    assert len(riwayat[riwayat["minggu"] == "2026-W48"]) == 49
    assert len(riwayat[riwayat["minggu"] == "2026-W47"]) == 49  # last week's gap filled too
    assert len(list(outbox.glob("mingguan-*.eml"))) == 49  # the 8 who had none, once
    assert len(list(outbox.glob("ringkasan-*.eml"))) == 4  # the digest again, complete
    log = summary_tab(config, "log_proses")
    assert list(log["hasil"]) == ["Sebagian", "Selesai"]


def test_a_missing_workbook_is_one_sentence_naming_the_unit_path_and_init(demo_config, capsys):
    path = demo_config.path(demo_config.local.folder) / PELAYANAN_BOOK
    path.unlink()
    assert run(demo_config, "validate", "--read-only") == 0
    assert (
        f"Workbook Seksi Pelayanan: Workbook unit ini tidak ditemukan: {path}. Periksa nama "
        "berkas atau kunci spreadsheet unit ini di config.yaml, atau jalankan 'python run.py "
        "init' untuk membuatnya; unit lain tetap diproses." in capsys.readouterr().out
    )
    assert run(demo_config, "validate", "--read-only", "--json") == 0
    (missing,) = [f for f in json.loads(capsys.readouterr().out) if f["tab"] == ""]
    assert (missing["workbook"], missing["code"]) == ("Seksi Pelayanan", "workbook-missing")


# -- replays ---------------------------------------------------------------------------------------


def test_replaying_a_past_week_changes_no_status_and_reports_no_later_row(demo_config, capsys):
    config = with_mail(demo_config)
    assert run(config, "validate") == 0
    before = statuses(config, PELAYANAN_BOOK)
    assert run(config, "weekly", date="2026-03-02") == 0
    assert statuses(config, PELAYANAN_BOOK) == before  # no valid row turned Ditolak
    people = summary_tab(config, "ringkasan_pegawai")
    assert set(people["minggu"]) == {"2026-W09"}
    # the demo's rejected rows are all dated after 1 March, except the ones whose date is the
    # mistake itself (impossible or in the future): only those are reported for week 9
    assert int(people["entri_ditolak"].sum()) == 2


# -- the command line ------------------------------------------------------------------------------


def test_options_before_or_after_the_command(demo_config, capsys):
    path = str(demo_config.base_dir / "config.yaml")
    from workflows.cli import main

    assert main(["--config", path, "--date", DEMO_DATE, "validate", "--read-only"]) == 0
    first = capsys.readouterr().out
    assert main(["validate", "--read-only", "--config", path, "--date", DEMO_DATE]) == 0
    assert capsys.readouterr().out == first
    assert "Minggu 2026-W48" in first


def test_validate_read_only_writes_nothing(demo_config):
    folder = demo_config.path(demo_config.local.folder)
    sheet = folder / PELAYANAN_BOOK
    ws_book = openpyxl.load_workbook(sheet)
    ws_book["Realisasi"]["G2"] = None  # a status the next validate would write
    ws_book.save(sheet)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert run(demo_config, "validate", "--read-only") == 0
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert run(demo_config, "validate") == 0
    assert statuses(demo_config, PELAYANAN_BOOK)[0] == ("OK", None)


def test_a_closed_pipe_is_a_quiet_end(demo_config):
    config = str(demo_config.base_dir / "config.yaml")
    command = (
        f"{sys.executable} run.py validate --json --read-only --config {config} "
        f"--date {DEMO_DATE} | head -c 10"
    )
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "0"},
    )
    assert done.stdout == "[\n  {\n    "
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


def test_resend_of_a_nip_on_no_roster_is_refused_before_anything_is_sent(demo_config, capsys):
    config = with_mail(demo_config)
    assert run(config, "weekly", "--resend", "199001012020011001") == 2
    assert "NIP 199001012020011001 untuk --resend tidak ada" in capsys.readouterr().err
    assert not (config.path(config.mail.outbox) / "2026-W48").exists()


def test_validate_json_is_the_finding_list(demo_config, capsys):
    assert run(demo_config, "validate", "--json", "--read-only") == 0
    findings = json.loads(capsys.readouterr().out)
    assert {f["severity"] for f in findings} == {"error", "warning"}
    assert all(set(f) >= {"workbook", "tab", "row", "column", "code", "message"} for f in findings)


def test_an_outbox_letter_whose_file_never_reached_the_disk_is_sent_again(demo_config, capsys):
    from workflows import mail

    config = with_mail(demo_config)
    real_send = mail.OutboxTransport.send
    sent = []

    def die_on_the_fifth(self, message, *, name):
        if len(sent) == 4:
            raise RuntimeError("listrik padam")  # after the journal's intent, before the .eml
        sent.append(name)
        return real_send(self, message, name=name)

    mail.OutboxTransport.send = die_on_the_fifth
    try:
        assert run(config, "weekly") == 1
    finally:
        mail.OutboxTransport.send = real_send
    outbox = config.path(config.mail.outbox) / "2026-W48"
    assert len(list(outbox.glob("*.eml"))) == 4
    capsys.readouterr()
    assert run(config, "letters") == 0
    out = capsys.readouterr().out
    assert "terputus di tengah pengiriman" not in out  # known unsent, not "belum pasti"
    assert len(list(outbox.glob("mingguan-*.eml"))) == 49
    total = out.split("Jumlah")[1].split()
    assert total[2:6] == ["45", "4", "0", "0"]  # 45 sent now (the fifth among them), 4 skipped


# -- periods, transports and the journal ------------------------------------------------------------


def test_a_run_before_a_pinned_period_is_refused_with_exit_2(demo_config, capsys):
    pinned = write_config(demo_config.base_dir, period={"start": "2026-01-01", "end": "2026-12-31"})
    assert cli_main(["weekly", "--config", str(pinned), "--date", "2025-12-29"]) == 2
    err = capsys.readouterr().err
    assert "2025" in err and "Traceback" not in err and "tak terduga" not in err
    assert not (demo_config.path(demo_config.mail.outbox) / "2026-W01").exists()


def test_an_outbox_trial_then_smtp_in_the_same_week_still_mails_everyone(demo_config):
    trial = with_mail(demo_config)
    assert run(trial, "weekly") == 0
    with SmtpServer() as server:
        config = with_mail(demo_config, transport="smtp", smtp={"port": server.port})
        assert run(config, "letters") == 0
        assert run(config, "letters") == 0  # and only once over SMTP too
    assert len(server.recorder.received) == 49 + 8 + len(DIGEST)  # 8 supervisors' team letters


def test_log_surat_has_each_letter_once_after_a_crash_in_its_sync(demo_config, monkeypatch):
    from workflows.journal import SendJournal

    config = with_mail(demo_config)
    real = SendJournal.mark_synced

    def killed(self):
        raise KeyboardInterrupt  # after Log Surat's append, before the journal says so

    monkeypatch.setattr(SendJournal, "mark_synced", killed)
    assert run(config, "weekly") == 1
    assert len(summary_tab(config, "log_surat")) == 59
    monkeypatch.setattr(SendJournal, "mark_synced", real)
    assert run(config, "letters") == 0
    log = summary_tab(config, "log_surat")
    assert len(log) == 59 and log["id"].is_unique
    staff = log[log["jenis"] == "mingguan"]["nip"]
    assert run(config, "letters", "--resend", staff.iloc[-1]) == 0
    assert len(summary_tab(config, "log_surat")) == 60  # a deliberate resend is a new row


def test_the_first_monday_of_the_new_year_closes_the_old_year(demo_config, capsys):
    config = with_mail(demo_config)
    assert run(config, "score", date="2027-01-04") == 0
    assert "Minggu 2026-W53 (data sampai 31/12/2026)" in capsys.readouterr().out
    people = summary_tab(config, "ringkasan_pegawai")
    assert set(people["minggu"]) == {"2026-W53"}
