"""The send journal: states per key survive reopening; torn lines and sync markers."""

from __future__ import annotations

import datetime as dt
import json

from workflows.journal import DONE, FAILED, INTENT, UNCERTAIN, SendJournal

KEY = ("2026-W48", "198609262015052001", "mingguan")
OTHER = ("2026-W48", "197501012000031002", "mingguan")
NOW = dt.datetime(2026, 11, 30, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def journal(folder):
    return SendJournal(folder, now=lambda: NOW)


def test_states_survive_reopening(tmp_path):
    with journal(tmp_path) as j:
        j.intent(KEY, address="ani@x.example", message_id="<1@x>")
        j.done(KEY, address="ani@x.example", message_id="<1@x>")
        j.intent(OTHER, address="budi@x.example", message_id="<2@x>")
    with journal(tmp_path) as j:
        assert j.state(KEY) == DONE
        assert j.state(OTHER) == INTENT
        assert [e.key for e in j.pending_unfinished()] == [OTHER]
        assert j.state(("2026-W49", KEY[1], KEY[2])) is None
    lines = (tmp_path / "surat.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0]) == {
        "week": "2026-W48",
        "nip": KEY[1],
        "kind": "mingguan",
        "state": "intent",
        "address": "ani@x.example",
        "time": "2026-11-30T07:00:00+07:00",
        "message_id": "<1@x>",
        "note": "",
    }


def test_torn_last_line_is_ignored_and_next_record_starts_on_a_new_line(tmp_path):
    with journal(tmp_path) as j:
        j.done(KEY, address="a@x.example", message_id="<1@x>")
    with open(tmp_path / "surat.jsonl", "a", encoding="utf-8") as f:
        f.write('{"week": "2026-W48", "nip": "1979')  # the crash hit mid-write
    with journal(tmp_path) as j:
        assert j.state(KEY) == DONE and j.pending_unfinished() == []
        j.failed(OTHER, address="b@x.example", note="ditolak server")
    with journal(tmp_path) as j:
        assert j.state(OTHER) == FAILED


def test_unsynced_outcomes_until_marked(tmp_path):
    with journal(tmp_path) as j:
        j.intent(KEY, address="a@x.example", message_id="<1@x>")
        j.done(KEY, address="a@x.example", message_id="<1@x>")
        j.intent(OTHER, address="b@x.example", message_id="<2@x>")
        assert [(e.key, e.state) for e in j.unsynced()] == [(KEY, DONE)]
    with journal(tmp_path) as j:  # the sheet write failed last time: still unsynced
        assert [(e.key, e.state) for e in j.unsynced()] == [(KEY, DONE)]
        j.mark_synced()
        assert j.unsynced() == []
        j.uncertain(j.pending_unfinished()[0], note="terputus")
    with journal(tmp_path) as j:
        assert [(e.key, e.state) for e in j.unsynced()] == [(OTHER, UNCERTAIN)]
        assert j.pending_unfinished() == []
