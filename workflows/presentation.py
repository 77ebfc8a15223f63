"""How the summary and unit tabs look: pure data that each backend applies its own way.

Frozen header rows, autofilters, conditional colours (so they follow sorting and filtering), print
settings and charts are declared here once; ``local.py``/``publish.py`` turn them into openpyxl
settings and ``google.py`` into Sheets requests. Column widths and number formats stay in the
schemas (``width``, ``format``).
"""

from __future__ import annotations

from dataclasses import dataclass

from .labels import (
    KATEGORI,
    NO,
    PENDING,
    PREDIKAT,
    PREDIKAT_COLUMNS,
    STATUS_FAILED,
    STATUS_PARTIAL,
    STATUS_REJECTED,
    STATUS_UNCERTAIN,
    STATUS_WARNING,
)
from .schema import SUMMARY_TAB_ORDER, tab

# Tabs the summary has beside the schema tabs: the overview (first), the trend table and the
# predikat chart. Their contents are written by the publish.
OVERVIEW_TAB = "Ikhtisar"
TREND_TAB = "Tren"
CHART_TAB = "Grafik"

# Fills, best to worst; the same five colours for Kategori Capaian and Predikat.
GOOD, FAIR, MIDDLING, POOR, BAD, GREY = "63BE7B", "C6EFCE", "FFEB84", "F4B183", "F8696B", "D9D9D9"
PREDIKAT_COLOURS = dict(
    zip((*PREDIKAT, PENDING), (GOOD, FAIR, MIDDLING, POOR, BAD, GREY), strict=True)
)
KATEGORI_COLOURS = dict(zip(KATEGORI, (GOOD, FAIR, MIDDLING, POOR, BAD), strict=True))
# Statuses that ask for a look: a rejected entry or failed run in red, a warning in yellow.
ALERT_FILL, ALERT_FONT, CAUTION_FILL = "FFC7CE", "9C0006", "FFEB9C"


@dataclass(frozen=True)
class ColourRule:
    """A conditional format on one column: the cell (or its whole row) when its text equals
    ``equals``."""

    column: str  # schema key of the column (or header text for non-schema tabs)
    equals: str
    fill: str  # "RRGGBB"
    font: str | None = None  # "RRGGBB"
    whole_row: bool = False  # colour the whole row, not only the cell


@dataclass(frozen=True)
class Chart:
    kind: str  # "line" or "column"
    title: str
    source_tab: str  # tab title holding the data (header row 1)
    category_column: int  # 0-based column of the x labels
    series_columns: tuple[int, ...]  # 0-based columns, one series each
    anchor_tab: str  # where the chart sits
    anchor_cell: str  # e.g. "A1"
    y_title: str = ""
    stacked: bool = False  # column charts: the series stacked in one bar per category
    series_colours: tuple[str, ...] = ()  # "RRGGBB" per series; empty: the program's own
    all_columns_from: int | None = None  # every column from this one on is a series (grows)


@dataclass(frozen=True)
class TabLook:
    tab: str  # tab title
    frozen_rows: int = 1
    wrap_header: bool = True
    autofilter: bool = True
    colour_rules: tuple[ColourRule, ...] = ()
    landscape: bool = True
    fit_width: bool = True
    repeat_header: bool = True
    page_header: str = ""  # e.g. "Ringkasan Pegawai – Minggu 2026-W48"
    fit_height: bool = False  # the whole tab on one page (Ikhtisar)
    sort_by: tuple[str, ...] = ()  # schema keys the publish sorts the rows by (ascending)
    sort_descending: tuple[bool, ...] = ()  # per ``sort_by`` key
    wrapped_columns: tuple[str, ...] = ()  # schema keys whose cells wrap (long text)


def _colours(column: str, colours: dict[str, str]) -> tuple[ColourRule, ...]:
    return tuple(ColourRule(column, value, fill) for value, fill in colours.items())


def _alerts(column: str, *, alert: tuple[str, ...], caution: tuple[str, ...] = ()) -> tuple:
    return tuple(ColourRule(column, v, ALERT_FILL, ALERT_FONT) for v in alert) + tuple(
        ColourRule(column, v, CAUTION_FILL) for v in caution
    )


def _rules() -> dict[str, tuple[ColourRule, ...]]:
    """Colour rules per summary tab key."""
    scores = _colours("kategori_capaian", KATEGORI_COLOURS) + _colours("predikat", PREDIKAT_COLOURS)
    return {
        "ringkasan_pegawai": scores + _alerts("melapor_minggu_ini", alert=(NO,)),
        "riwayat": scores,
        "temuan_validasi": _alerts("severity", alert=(STATUS_REJECTED,), caution=(STATUS_WARNING,)),
        "log_surat": _alerts("status", alert=(STATUS_FAILED,), caution=(STATUS_UNCERTAIN,)),
        "log_proses": _alerts("hasil", alert=(STATUS_FAILED,), caution=(STATUS_PARTIAL,)),
    }


def page_header(tab_title: str, week_key: str) -> str:
    """The printed page header: the tab and the week it shows (the tab alone before any week)."""
    return f"{tab_title} – Minggu {week_key}" if week_key else tab_title


def summary_looks(week_key: str) -> list[TabLook]:
    """Every summary tab's look, in the workbook's tab order (Ikhtisar first)."""
    rules = _rules()
    overview = TabLook(
        OVERVIEW_TAB,
        frozen_rows=0,
        wrap_header=False,
        autofilter=False,
        repeat_header=False,
        fit_height=True,
        page_header=page_header(OVERVIEW_TAB, week_key),
    )
    looks = {OVERVIEW_TAB: overview}
    for key in SUMMARY_TAB_ORDER:
        title = tab(key).name
        looks[title] = TabLook(
            title,
            colour_rules=rules.get(key, ()),
            page_header=page_header(title, week_key),
            wrapped_columns=SUMMARY_WRAPPED.get(key, ()),
            **_sorting(key),
        )
    for title in (TREND_TAB, CHART_TAB):
        looks[title] = TabLook(title, page_header=page_header(title, week_key))
    return [looks[title] for title in summary_tab_titles()]


def summary_tab_titles() -> list[str]:
    """The summary's tabs in the order leadership reads them: the overview, the two summaries
    and the charts first, the detail and the logs after."""
    titles = [tab(key).name for key in SUMMARY_TAB_ORDER]
    after_units = titles.index(tab("ringkasan_unit").name) + 1
    return [OVERVIEW_TAB, *titles[:after_units], CHART_TAB, TREND_TAB, *titles[after_units:]]


# Long text that wraps inside its column on the summary tabs (schema keys), by tab key.
SUMMARY_WRAPPED = {
    "ringkasan_unit": ("catatan_distribusi", "keterangan"),
    "temuan_validasi": ("message",),
    "log_surat": ("keterangan",),
    "log_proses": ("keterangan",),
}


def _sorting(key: str) -> dict:
    """Ringkasan Pegawai reads by unit, then best score first."""
    if key != "ringkasan_pegawai":
        return {}
    return {"sort_by": ("unit", "nilai_capaian"), "sort_descending": (False, True)}


def summary_charts() -> list[Chart]:
    """Both on tab Grafik, right of its table: the predikat per unit (from Grafik's own table) and
    the trend of mean Nilai Capaian (from Tren: one row per week, a column for the organisation
    then each unit; every column from ``all_columns_from`` on is a series, so a new unit or week
    widens the chart)."""
    return [
        Chart(
            "line",
            "Rata-rata Nilai Capaian per Minggu",
            source_tab=TREND_TAB,
            category_column=0,
            series_columns=(),
            all_columns_from=1,
            anchor_tab=CHART_TAB,
            anchor_cell="I24",
            y_title="Rata-rata Nilai Capaian",
        ),
        Chart(
            "column",
            "Sebaran Predikat per Unit",
            source_tab=CHART_TAB,
            category_column=0,
            series_columns=tuple(range(1, len(PREDIKAT_COLUMNS) + 1)),
            anchor_tab=CHART_TAB,
            anchor_cell="I2",
            y_title="Jumlah ASN",
            stacked=True,
            series_colours=tuple(PREDIKAT_COLOURS[p] for p in PREDIKAT_COLUMNS),
        ),
    ]


def unit_looks() -> list[TabLook]:
    """Staff workbooks: a rejected Realisasi row stands out wherever staff sort it; the
    validation message wraps. Printing and filters stay the staff's own choice."""
    realisasi = tab("realisasi")
    return [
        TabLook(
            realisasi.name,
            autofilter=False,
            colour_rules=(
                ColourRule("status", STATUS_REJECTED, ALERT_FILL, ALERT_FONT, whole_row=True),
            ),
            landscape=False,
            fit_width=False,
            repeat_header=False,
            wrapped_columns=("pesan_validasi",),
        )
    ]
