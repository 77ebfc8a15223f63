"""The send journal: states per key survive reopening; torn lines, legacy lines and Log Surat sync."""

from __future__ import annotations

import datetime as dt
import json

from workflows.journal import DONE, FAILED, INTENT, UNCERTAIN, Entry, SendJournal, SendKey

ANI, BUDI = "198609262015052001", "197501012000031002"
KEY = SendKey("2026", "2026-W48", ANI, "mingguan", "outbox")
OTHER = SendKey("2026", "2026-W48", BUDI, "mingguan", "outbox")
NOW = dt.datetime(2026, 11, 30, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def journal(folder):
    return SendJournal(folder, now=lambda: NOW)


def lines(folder) -> list[dict]:
    text = (folder / "surat.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_states_survive_reopening(tmp_path):
    with journal(tmp_path) as j:
        j.intent(KEY, address="ani@x.example", message_id="<1@x>")
        j.done(KEY, address="ani@x.example", message_id="<1@x>")
        j.intent(OTHER, address="budi@x.example", message_id="<2@x>")
    with journal(tmp_path) as j:
        assert j.state(KEY) == DONE
        assert j.state(OTHER) == INTENT
        assert [e.key for e in j.pending_unfinished()] == [OTHER]
        assert j.state(KEY._replace(week="2026-W49")) is None
    assert lines(tmp_path)[0] == {
        "period": "2026",
        "week": "2026-W48",
        "nip": ANI,
        "kind": "mingguan",
        "transport": "outbox",
        "state": "intent",
        "address": "ani@x.example",
        "time": "2026-11-30T07:00:00+07:00",
        "message_id": "<1@x>",
        "note": "",
        "entry_id": "1@2026-11-30T07:00:00+07:00",
    }


def test_an_outbox_trial_does_not_stop_smtp_in_the_same_week(tmp_path):
    with journal(tmp_path) as j:
        j.done(KEY, address="ani@x.example", message_id="<1@x>")
    with journal(tmp_path) as j:
        smtp = KEY._replace(transport="smtp")
        assert j.state(smtp) is None
        j.done(smtp, address="ani@x.example", message_id="<2@x>")
        assert (j.state(KEY), j.state(smtp)) == (DONE, DONE)


def test_the_same_week_key_in_two_periods_never_collides(tmp_path):
    # two pinned half-year periods meeting on Tuesday 30 June 2026 both hold a week 2026-W27
    first = SendKey("2026-01-01–2026-06-30", "2026-W27", ANI, "mingguan", "smtp")
    second = first._replace(period="2026-07-01–2026-12-31")
    with journal(tmp_path) as j:
        j.done(first, address="ani@x.example", message_id="<1@x>")
    with journal(tmp_path) as j:
        assert (j.state(first), j.state(second)) == (DONE, None)


def test_lines_from_before_periods_and_transports_answer_for_any(tmp_path):
    old = {
        "week": "2026-W48",
        "nip": ANI,
        "kind": "mingguan",
        "state": "done",
        "address": "ani@x.example",
        "time": "2026-11-30T07:00:00+07:00",
        "message_id": "<1@x>",
        "note": "",
    }
    unfinished = {**old, "nip": BUDI, "state": "intent", "message_id": "<2@x>"}
    (tmp_path / "surat.jsonl").write_text(
        json.dumps(old) + "\n" + json.dumps(unfinished) + "\n", encoding="utf-8"
    )
    with journal(tmp_path) as j:
        assert j.state(KEY) == DONE and j.state(KEY._replace(transport="smtp")) == DONE
        assert j.state(KEY._replace(week="2026-W49")) is None
        [pending] = j.pending_unfinished()
        assert (pending.period, pending.transport, pending.entry_id) == (
            "",
            "",
            "2@2026-11-30T07:00:00+07:00",
        )
        assert pending.in_run(period="2026", week="2026-W48", transport="smtp")
        assert not pending.in_run(period="2026", week="2026-W49", transport="smtp")
        j.uncertain(pending, note="terputus")
        assert [e.entry_id for e in j.unsynced()] == [
            "1@2026-11-30T07:00:00+07:00",
            "3@2026-11-30T07:00:00+07:00",
        ]
    with journal(tmp_path) as j:  # the legacy intent stays closed
        assert j.pending_unfinished() == [] and j.state(OTHER) == UNCERTAIN


def test_in_run_needs_the_same_period_week_and_transport():
    with_all = dict(period="2026", week="2026-W48", transport="outbox")
    entry = Entry(**KEY._asdict(), state=INTENT, address="a@x.example", time="t")
    assert entry.in_run(**with_all)
    assert not entry.in_run(**{**with_all, "period": "2027"})
    assert not entry.in_run(**{**with_all, "transport": "smtp"})


def test_torn_last_line_is_ignored_and_next_record_starts_on_a_new_line(tmp_path):
    with journal(tmp_path) as j:
        j.done(KEY, address="a@x.example", message_id="<1@x>")
    with open(tmp_path / "surat.jsonl", "a", encoding="utf-8") as f:
        f.write('{"week": "2026-W48", "nip": "1979')  # the crash hit mid-write
    with journal(tmp_path) as j:
        assert j.state(KEY) == DONE and j.pending_unfinished() == []
        entry = j.failed(OTHER, address="b@x.example", note="ditolak server")
        assert entry.entry_id == "3@2026-11-30T07:00:00+07:00"  # line 2 is the torn one
    with journal(tmp_path) as j:
        assert j.state(OTHER) == FAILED
        assert [e.entry_id for e in j.unsynced()] == [
            "1@2026-11-30T07:00:00+07:00",
            "3@2026-11-30T07:00:00+07:00",
        ]


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


def test_a_sync_cut_short_names_the_rows_that_may_be_in_log_surat(tmp_path):
    with journal(tmp_path) as j:
        first = j.done(KEY, address="a@x.example", message_id="<1@x>")
        j.syncing(j.unsynced())
        # killed here: the rows may or may not have reached Log Surat
    with journal(tmp_path) as j:
        assert j.in_doubt() == {first.entry_id}
        second = j.done(OTHER, address="b@x.example", message_id="<2@x>")
        assert [e.entry_id for e in j.unsynced()] == [first.entry_id, second.entry_id]
        # the caller found the first row in Log Surat and appends only the second
        j.syncing([second])
        assert j.in_doubt() == {second.entry_id}
        j.mark_synced()
    with journal(tmp_path) as j:
        assert j.in_doubt() == frozenset() and j.unsynced() == []
    assert [line.get("syncing") for line in lines(tmp_path)] == [
        None,
        [first.entry_id],
        None,
        [second.entry_id],
        None,
    ]


def test_entry_ids_are_unique_and_stable(tmp_path):
    with journal(tmp_path) as j:
        made = [
            j.failed(KEY, address="a@x.example", note="ditolak server") for _ in range(3)
        ]  # three failures of one letter within one second
    with journal(tmp_path) as j:
        read = [e.entry_id for e in j.unsynced()]
    assert read == [e.entry_id for e in made]
    assert len(set(read)) == 3
