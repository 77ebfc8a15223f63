"""``weekly``, ``letters`` and ``remind`` on the demo: SMTP to a real server, exactly once, lock."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest
import time_machine
import trustme

from tests.conftest import DEMO_DATE, write_config
from tests.smtp_server import PASSWORD, USER, Recorder, SmtpServer
from workflows import cli, commands, delivery, weekly
from workflows.calendar import run_week_for
from workflows.config import Config, load_config
from workflows.context import entry_period
from workflows.indonesian import format_number
from workflows.journal import SendJournal, SendKey
from workflows.local import LocalWorkbook
from workflows.publish import read_table
from workflows.schema import tab

DIGEST = {"camat@asemrowo.example", "sekcam@asemrowo.example"}


@pytest.fixture(autouse=True)
def demo_clock():
    """The real clock at 08:00 WIB on the demo's Monday: what validation judges "today" by."""
    moment = dt.datetime.fromisoformat(f"{DEMO_DATE}T08:00:00+07:00")
    with time_machine.travel(moment, tick=True):
        yield


def with_mail(config: Config, **mail: object) -> Config:
    """The demo config with ``mail`` settings replaced (the workbooks stay where they are)."""
    base = {
        "transport": "outbox",
        "sender": {"name": "Kecamatan Asemrowo", "address": "kinerja@asemrowo.example"},
        "digest_recipients": sorted(DIGEST),
    }
    return load_config(write_config(config.base_dir, mail={**base, **mail}))


def run(config: Config, command: str = "weekly", *extra: str, date: str = DEMO_DATE) -> int:
    return cli.main(
        [command, "--config", str(config.base_dir / "config.yaml"), "--date", date, *extra]
    )


def summary_tab(config: Config, key: str):
    book = LocalWorkbook(config.path(config.local.folder) / config.summary.workbook, label="r")
    schema_tab = tab(key)
    return read_table(schema_tab, book.read_tabs([schema_tab.name])[schema_tab.name])


def scored(config: Config) -> dict[str, tuple[str, float]]:
    """Email → (NIP, Nilai Capaian) from the published Ringkasan Pegawai, via the roster."""
    from workflows.check import run_validation

    day = dt.date.fromisoformat(DEMO_DATE)
    pegawai = run_validation(
        config,
        run_week_for(config, day),
        today=day,
        entry_period=entry_period(config, day),
        write_back=False,
    ).tables["pegawai"]
    active = pegawai[pegawai["status"] == "Aktif"]
    email = dict(zip(active["nip"], active["email"], strict=True))
    people = summary_tab(config, "ringkasan_pegawai")
    return {
        email[n]: (n, float(v)) for n, v in zip(people["nip"], people["nilai_capaian"], strict=True)
    }


def check_letters(config: Config, received) -> None:
    """One letter per active ASN (plus the digests), each to its own address with its own score;
    one team letter to each of the 8 supervisors (tests/test_team.py checks their content)."""
    expected = scored(config)
    team = [r for r in received if r.message["Subject"].startswith("Kinerja Tim Minggu 2026-W48")]
    assert len(team) == len({r.rcpt_tos[0] for r in team}) == 8
    assert {r.rcpt_tos[0] for r in team} <= set(expected)
    received = [r for r in received if r not in team]
    to = [r.rcpt_tos[0] for r in received]
    assert sorted(to) == sorted([*expected, *DIGEST])
    for r in received:
        message: EmailMessage = r.message
        address = r.rcpt_tos[0]
        assert message["To"].addresses[0].addr_spec == address
        if address in DIGEST:
            assert message["Subject"] == "Ringkasan Kinerja Kecamatan Asemrowo Minggu 2026-W48"
            continue
        assert message["Subject"] == "Umpan Balik Kinerja Minggu 2026-W48 (23–29 November 2026)"
        assert message.get_content_type() == "multipart/alternative"
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        own = format_number(expected[address][1])
        assert f"NILAI CAPAIAN: {own}" in text
        assert f">{own}</div>" in html


def test_weekly_over_smtp_one_session(demo_config, capsys):
    with SmtpServer() as server:
        config = with_mail(demo_config, transport="smtp", smtp={"port": server.port})
        assert run(config) == 0
    received = server.recorder.received
    check_letters(config, received)
    assert len(server.recorder.sessions) == 1
    out = capsys.readouterr().out
    assert "Jumlah" in out and "Terkirim" in out
    log = summary_tab(config, "log_surat")
    assert len(log) == len(received) and set(log["status"]) == {"Terkirim"}
    assert list(summary_tab(config, "log_proses")["perintah"])[-1] == "weekly"


def test_weekly_over_smtp_with_starttls_and_login(demo_config, monkeypatch, tmp_path):
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("UJI_SMTP_PASSWORD", PASSWORD)
    with SmtpServer(tls_ca=ca) as server:
        smtp = {
            "port": server.port,
            "starttls": True,
            "user": USER,
            "ca_file": "ca.pem",
            "password_env": "UJI_SMTP_PASSWORD",
        }
        config = with_mail(demo_config, transport="smtp", smtp=smtp)
        assert run(config) == 0
    check_letters(config, server.recorder.received)
    assert len(server.recorder.sessions) == 1


def test_crash_between_letters_then_rerun_sends_each_once(demo_config, monkeypatch):
    built = 0
    real = delivery.build_message

    def crash_after_ten(*args, **kwargs):
        nonlocal built
        built += 1
        if built > 10:
            raise RuntimeError("proses mati")
        return real(*args, **kwargs)

    with SmtpServer() as server:
        config = with_mail(demo_config, transport="smtp", smtp={"port": server.port})
        monkeypatch.setattr(delivery, "build_message", crash_after_ten)
        assert run(config) == 1
        assert len(server.recorder.received) == 10
        monkeypatch.setattr(delivery, "build_message", real)
        assert run(config, "letters") == 0
    check_letters(config, server.recorder.received)


def test_dropped_connection_reported_not_resent(demo_config, capsys):
    """Dropped after the 5th message was stored: its sender cannot know, so it is listed only."""
    with SmtpServer(recorder=Recorder(drop_after_data=5, drop_before_mail=9)) as server:
        config = with_mail(demo_config, transport="smtp", smtp={"port": server.port})
        assert run(config) == 0
        first = capsys.readouterr().out
        assert run(config, "letters") == 0
    second = capsys.readouterr().out
    check_letters(config, server.recorder.received)  # the 5th arrived once; nobody got two
    assert "koneksi terputus" in first
    assert "terputus di tengah pengiriman" in second
    with SendJournal(config.path(config.state.folder)) as journal:
        assert len(journal.pending_unfinished()) == 1


def test_outbox_rerun_resend_and_force(demo_config, capsys):
    config = with_mail(demo_config)
    assert run(config) == 0
    out = capsys.readouterr().out
    folder = config.path(config.mail.outbox) / "2026-W48"
    assert out.rstrip().endswith(f"Pratinjau di peramban: {folder / 'index.html'}")
    asn = len(scored(config))
    emls = sorted(folder.glob("*.eml"))
    assert len(emls) == asn + len(DIGEST) + 8  # and a team letter to each of 8 supervisors
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{p.name}"' in index for p in emls)

    assert run(config, "letters") == 0
    again = capsys.readouterr().out
    total = again.split("Jumlah")[1].split()
    assert total[2:4] == ["0", str(asn)]  # none sent, all skipped

    nip = emls[0].stem.split("-")[1]
    assert run(config, "letters", "--resend", nip) == 0
    assert capsys.readouterr().out.split("Jumlah")[1].split()[2] == "1"
    assert run(config, "letters", "--resend", "199001012020011001") == 2
    assert "NIP 199001012020011001 untuk --resend tidak ada di tab Pegawai" in (
        capsys.readouterr().err
    )
    assert run(config, "letters", "--force") == 0
    assert capsys.readouterr().out.split("Jumlah")[1].split()[2] == str(asn)


def test_dry_run_sends_and_records_nothing_but_leaves_previews(demo_config, capsys):
    config = with_mail(demo_config)
    assert run(config, "letters", "--dry-run") == 0
    out = capsys.readouterr().out
    previews = config.path(config.state.folder) / "pratinjau" / "2026-W48"
    assert "uji coba" in out and f"Pratinjau surat uji coba: {previews / 'index.html'}" in out
    assert len(list(previews.glob("mingguan-*.eml"))) == 49
    assert len(list(previews.glob("ringkasan-*.eml"))) == 2
    assert (previews / "index.html").exists()
    assert not (config.path(config.mail.outbox) / "2026-W48").exists()
    assert not (config.path(config.state.folder) / "surat.jsonl").exists()


def test_remind_on_thursday_writes_to_asn_without_entries_this_week(demo_config, capsys):
    config = with_mail(demo_config)
    assert run(config, "remind", date="2026-12-03") == 0
    out = capsys.readouterr().out
    folder = config.path(config.mail.outbox) / "2026-W49"
    sent = {p.name: p.read_bytes() for p in folder.glob("pengingat-*.eml")}
    assert sent and f"{len(sent)} ASN belum mengisi" in out
    assert run(config, "remind", date="2026-12-03") == 0  # once a week only
    total = capsys.readouterr().out.split("Jumlah")[1].split()
    assert total[0] == "51"  # every ASN on the rosters: 49 active and 2 no longer active
    assert total[2:4] == ["0", str(len(sent))]  # none sent, every reminder skipped
    # each file is the first run's own (a rewrite would carry a new Message-ID and Date)
    assert {p.name: p.read_bytes() for p in folder.glob("pengingat-*.eml")} == sent


def test_a_second_run_at_the_same_time_is_refused(demo_config, capsys):
    config = with_mail(demo_config)
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock = config.path(config.state.folder) / weekly.LOCK_FILE
        lock.parent.mkdir(parents=True, exist_ok=True)
        host = socket.gethostname()
        lock.write_text(
            f'{{"pid": {holder.pid}, "command": "weekly", "since": "2026-11-30T07:00:00+07:00",'
            f' "user": "budi", "host": "{host}"}}'
        )
        assert run(config) == 1
        assert capsys.readouterr().err == (
            f"Proses 'weekly' (PID {holder.pid}, pengguna budi di komputer {host}) sedang "
            "berjalan sejak Senin, 30 November 2026 pukul 07.00; tunggu sampai selesai lalu "
            f"jalankan lagi, atau hapus berkas {lock} bila yakin proses itu sudah tidak berjalan.\n"
        )
    finally:
        holder.kill()
        holder.wait()
    assert run(config, "letters", "--dry-run") == 0  # the dead holder's lock is stale now
    assert not lock.exists()


def test_unsafe_name_never_reaches_a_header(tmp_path: Path, config: Config):
    from workflows.letters import Rendered

    letter = Rendered(
        "mingguan",
        "198609262015052001",
        "Budi\nBcc: x@luar.example",
        "budi@asemrowo.example",
        "Subjek",
        "teks",
        "<p>html</p>",
    )
    done = delivery.send_batch(
        config, [letter], period="2026", week_key="2026-W48", kinds=("mingguan",), summary=None
    )
    with SendJournal(config.path(config.state.folder)) as journal:
        key = SendKey("2026", "2026-W48", letter.key, "mingguan", "outbox")
        assert journal.state(key) == "failed"
    assert done.outcomes == {("mingguan", letter.key): delivery.FAILED}
    assert "baris baru" in done.notes[0]
    assert not config.path(config.mail.outbox).exists()


def test_progress_line_on_a_terminal():
    import io

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    progress = commands.Progress(stream=stream, interval=0)
    for n in (1, 2, 3):
        progress(n, 3)
    progress.close()
    assert stream.getvalue() == "\rMengirim surat 1/3\rMengirim surat 2/3\rMengirim surat 3/3\n"
    quiet = io.StringIO()
    commands.Progress(stream=quiet)(1, 3)
    assert quiet.getvalue() == ""


def test_weekly_for_one_unit_writes_and_mails_that_unit_only(demo_config, capsys):
    config = with_mail(demo_config)
    folder = config.path(config.local.folder)
    untouched = {
        u.workbook: (folder / u.workbook).read_bytes()
        for u in config.units
        if u.name != "Seksi Pelayanan"
    }
    assert run(config, "weekly", "--unit", "seksi pelayanan") == 0
    assert {name: (folder / name).read_bytes() for name in untouched} == untouched
    statuses = LocalWorkbook(folder / "pelayanan.xlsx").read_tabs(["Realisasi"])["Realisasi"]
    assert statuses[0][6:8] == ["Status", "Pesan Validasi"] and statuses[1][6] == "OK"
    # the leadership summary still covers every unit
    people = summary_tab(config, "ringkasan_pegawai")
    assert len(people) == 49 and people["unit"].nunique() == 7
    sent = sorted(p.name for p in (config.path(config.mail.outbox) / "2026-W48").glob("*.eml"))
    pelayanan = people[people["unit"] == "Seksi Pelayanan"]["nip"]
    assert sent == sorted(f"mingguan-{nip}.eml" for nip in pelayanan)  # no digest either


def test_weekly_dry_run_writes_nothing_anywhere(demo_config, capsys):
    config = with_mail(demo_config)
    folder = config.path(config.local.folder)
    (folder / config.summary.workbook).unlink()  # even before the summary exists
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert run(config, "weekly", "--dry-run") == 0
    assert "uji coba" in capsys.readouterr().out
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert not config.path(config.mail.outbox).exists()
    state = config.path(config.state.folder)
    assert sorted(p.name for p in state.iterdir()) == ["pratinjau"]  # no journal, no lock left
