"""Staff keep editing while capaian writes statuses: a status never stays beside the wrong row."""

from __future__ import annotations

from tests.conftest import DEMO_DATE
from tests.test_google_weekly import google_config, unit_key  # noqa: F401 (a fixture)
from workflows import google
from workflows.cli import main

INSERTED = ["29/11/2026", "198001012005011001", "PLY-01", 3, "https://drive.example/x", "baru"]


def test_a_row_inserted_between_the_read_and_the_write_gets_no_status(
    google_config,  # noqa: F811 (the fixture imported above)
    capsys,
):
    """On Google a write cannot be refused: the statuses written beside the moved rows are
    cleared again after the write, and the next run writes them in their right places."""
    config, fake = google_config
    pelayanan = [u.name for u in config.units].index("Seksi Pelayanan")
    sheet = fake.sheet(unit_key(pelayanan), "Realisasi")
    # no status yet, so every status found afterwards was written by this run
    sheet.cells = {(r, c): v for (r, c), v in sheet.cells.items() if r == 0 or c < 6}
    real_write = google.GoogleWorkbook.write_ranges
    inserted = []

    def staff_insert_then_write(self, updates, **options):
        if self.label == "Seksi Pelayanan" and not inserted:
            # a staff member inserts a row at row 2 just before capaian's write lands
            sheet.cells = {(r + 1 if r >= 1 else r, c): v for (r, c), v in sheet.cells.items()}
            for c, value in enumerate(INSERTED):
                sheet.cells[(1, c)] = value
            inserted.append(True)
        return real_write(self, updates, **options)

    google.GoogleWorkbook.write_ranges = staff_insert_then_write
    try:
        path = str(config.base_dir / "config.yaml")
        assert (
            main(["validate", "--config", path, "--date", DEMO_DATE, "--unit", "Seksi Pelayanan"])
            == 0
        )
    finally:
        google.GoogleWorkbook.write_ranges = real_write
    out = capsys.readouterr().out
    rows = fake.values(unit_key(pelayanan), "Realisasi")
    assert "berubah; status" in out and "dikosongkan lagi" in out
    # every row moved by the insert lost the status written for the row that was there before
    assert rows[1][:6] == INSERTED and rows[1][6:8] in ([], ["", ""])
    left = [(n + 1, row) for n, row in enumerate(rows) if n >= 2 and row[6:8] not in ([], ["", ""])]
    assert left == []
    # the demo's 'dua belas' (row 640 before the insert) is at 641 now; the next run marks it
    assert (
        main(["validate", "--config", path, "--date", DEMO_DATE, "--unit", "Seksi Pelayanan"]) == 0
    )
    rows = fake.values(unit_key(pelayanan), "Realisasi")
    assert rows[640][3] == "dua belas" and rows[640][6] == "Ditolak"
    assert rows[2][6] == "OK"
