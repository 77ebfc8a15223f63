"""Pure validation: the raw tab values of a unit workbook in, clean typed tables and findings out.

The schemas in ``sheets_schema/`` drive everything: which headers (and aliases) name which column,
each column's type, allowed values, defaults and whether it is required. Each problem becomes a
:class:`~workflows.findings.Finding` built from the code catalogue below (``CODES``: a stable slug
→ severity and an Indonesian template saying what to type instead). Rows with an error are left
out of the tables; rows with only warnings stay. Nothing here touches files, network or the clock.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from pandas.api.types import is_bool_dtype, is_datetime64_any_dtype, is_float_dtype

from . import parse
from .findings import STATUS_FOR_SEVERITY, Finding, Severity
from .indonesian import format_date
from .schema import Column, Tab, normalise_header, tab, unit_tabs
from .workbook import find_tab_title


@dataclass(frozen=True)
class Rule:
    severity: Severity
    template: str  # str.format fields: column, value and the code's own (see ``_finding``)


_NIP_EXAMPLE = "misalnya 19860926 201505 1 001"
CODES: dict[str, Rule] = {
    # whole workbook or tab
    "workbook-unreadable": Rule("error", "workbook tidak dapat dibaca: {detail}"),
    "missing-tab": Rule(
        "error",
        "tab {tab} tidak ada. Jalankan 'python run.py init' untuk membuatnya, atau kembalikan "
        "nama tab yang terganti menjadi '{tab}'.",
    ),
    "missing-column": Rule(
        "error",
        "kolom '{column}' tidak ada di baris judul (baris 1). Tambahkan judul '{column}' atau "
        "jalankan 'python run.py init'.",
    ),
    "missing-header": Rule(
        "error",
        "baris 1 kosong, padahal harus berisi judul kolom ({headers}). Jalankan "
        "'python run.py init' untuk menuliskannya.",
    ),
    "renamed-column": Rule(
        "error",
        "judul kolom '{value}' tidak dikenal; mungkin maksudnya '{column}'. Ubah judul itu "
        "menjadi '{column}'.",
    ),
    # cells
    "required-missing": Rule("error", "kolom {column} wajib diisi. {description}"),
    "formula-error": Rule(
        "error",
        "{column} berisi galat rumus {value}. Perbaiki rumusnya atau ketik nilainya langsung.",
    ),
    "nip-format": Rule(
        "error",
        "{column} '{value}' tidak sah. Tulis 18 digit angka (boleh dengan spasi), "
        + _NIP_EXAMPLE
        + ".",
    ),
    "nip-structure": Rule(
        "error",
        "{column} '{value}' tidak sesuai struktur NIP: {detail}. Periksa kembali NIP-nya, "
        + _NIP_EXAMPLE
        + ".",
    ),
    "nip-scientific": Rule(
        "error",
        "{column} tertulis sebagai angka ({value}) sehingga digit terakhirnya hilang. Format sel "
        "ini sebagai Teks (Format > Angka > Teks biasa), lalu ketik ulang ke-18 digit NIP, "
        + _NIP_EXAMPLE
        + ".",
    ),
    "not-a-number": Rule(
        "error", "{column} '{value}' bukan angka. Tulis angka, misalnya 12 atau 12,5."
    ),
    "negative-number": Rule(
        "error", "{column} '{value}' bernilai negatif. Tulis angka 0 atau lebih, misalnya 12."
    ),
    "not-a-date": Rule(
        "error",
        "{column} '{value}' bukan tanggal. Tulis tanggal seperti 29/11/2026 atau 29 November 2026.",
    ),
    "impossible-date": Rule(
        "error",
        "{column} '{value}' tidak ada di kalender. Periksa hari dan bulannya; tulis "
        "hari/bulan/tahun, misalnya 29/11/2026.",
    ),
    "date-outside-period": Rule(
        "error",
        "{column} '{value}' di luar periode penilaian ({start} s.d. {end}). Tulis tanggal di "
        "dalam periode itu.",
    ),
    "future-date": Rule(
        "error",
        "{column} '{value}' jatuh sesudah hari ini ({today}). Tulis tanggal kegiatan yang sudah "
        "terjadi; isi entri hari mendatang pada harinya.",
    ),
    "invalid-choice": Rule(
        "error", "{column} '{value}' tidak dikenal. Pilih salah satu: {choices}."
    ),
    "invalid-target": Rule(
        "error",
        "{column} '{value}' tidak sah. Tulis angka lebih dari 0, misalnya 120, atau rentang "
        "seperti 80-90.",
    ),
    "invalid-weight": Rule(
        "error", "{column} '{value}' tidak sah. Tulis angka lebih dari 0, misalnya 20."
    ),
    "invalid-url": Rule(
        "error",
        "{column} '{value}' bukan tautan. Tulis alamat lengkap yang diawali https://, misalnya "
        "https://drive.google.com/...",
    ),
    "invalid-email": Rule(
        "error", "{column} '{value}' tidak sah. Tulis alamat seperti nama@asemrowo.go.id."
    ),
    "invalid-period": Rule(
        "error",
        "{column} '{value}' tidak sah. Tulis bulan seperti 2026-11 atau triwulan seperti 2026-Q4.",
    ),
    "invalid-week": Rule(
        "error", "{column} '{value}' tidak sah. Tulis minggu ISO seperti 2026-W48."
    ),
    # references and duplicates
    "unknown-nip": Rule(
        "error",
        "NIP {value} tidak terdaftar di tab Pegawai unit ini. Periksa NIP-nya, atau minta admin "
        "unit menambahkannya ke tab Pegawai.",
    ),
    "inactive-nip": Rule(
        "error",
        "NIP {value} berstatus Nonaktif di tab Pegawai. Gunakan NIP ASN yang aktif, atau minta "
        "admin unit mengubah Status-nya menjadi Aktif.",
    ),
    "unknown-indicator": Rule(
        "error",
        "{column} '{value}' tidak ada di tab Indikator. Salin kode indikator dari tab Indikator{own}.",
    ),
    "indicator-other-nip": Rule(
        "error",
        "indikator '{value}' milik NIP {owner}, bukan NIP {nip}. Pilih indikator milik NIP "
        "itu{own}.",
    ),
    "unknown-supervisor": Rule(
        "error",
        "{column} {value} tidak terdaftar di tab Pegawai unit mana pun. Tulis NIP atasan langsung "
        "yang terdaftar, atau kosongkan sel ini.",
    ),
    "duplicate-nip": Rule(
        "error",
        "NIP {value} sudah tercantum di baris {other_row}. Setiap ASN cukup satu baris; hapus "
        "baris ganda ini.",
    ),
    "duplicate-indicator-id": Rule(
        "error",
        "{column} '{value}' sudah dipakai di baris {other_row}. Beri kode unik lain, misalnya "
        "dengan menambah nomor urut.",
    ),
    "evidence-required": Rule(
        "error",
        "indikator {indicator} wajib disertai bukti. Isi kolom {column} dengan tautan bukti "
        "dukung, misalnya https://drive.google.com/...",
    ),
    # warnings: the row still counts
    "duplicate-entry": Rule(
        "warning",
        "entri ini sama persis dengan baris {other_row} (NIP, indikator, tanggal dan nilai sama) "
        "sehingga dihitung sekali saja, dari baris {other_row}. Hapus baris ini bila memang ganda.",
    ),
    "implausible-value": Rule(
        "warning",
        "{column} {value} dalam satu entri melebihi target satu periode ({target}) indikator "
        "{indicator}. Periksa kembali angkanya; entri tetap dihitung.",
    ),
    "percent-over-100": Rule(
        "warning",
        "{column} {value} lebih dari 100 padahal satuannya %. Periksa kembali angkanya "
        "(tulis 85 untuk 85%); entri tetap dihitung.",
    ),
}

TABLE_KEYS = ("pegawai", "indikator", "realisasi", "perilaku", "refleksi")
# tanggal is the date as typed; tanggal_nilai the parsed date (NaT when the date is the mistake)
REJECTED_COLUMNS = ("row", "nip", "id_indikator", "tanggal", "tanggal_nilai", "realisasi", "pesan")
_STATUS_OK = "OK"


@dataclass
class UnitData:
    """One unit's validated tables (see ARCHITECTURE.md, "Validated unit") and its findings."""

    unit: str
    workbook: str
    tables: dict[str, pd.DataFrame]
    findings: list[Finding]
    failed: bool = False
    # Realisasi rows with an error, for the letters: columns REJECTED_COLUMNS.
    rejected: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECTED_COLUMNS))


@dataclass(frozen=True)
class _Context:
    unit: str
    workbook: str
    today: dt.date
    start: dt.date
    end: dt.date
    check_nip_structure: bool


def _extra_columns(column: Column) -> tuple[str, ...]:
    """Typed columns a cell yields besides its key (a range target, a period's first day)."""
    if column.type == "target":
        return (f"{column.key}_low", f"{column.key}_high", f"{column.key}_text")
    if column.type == "month_or_quarter":
        return (f"{column.key}_mulai",)
    return ()


def table_columns(tab: Tab) -> list[str]:
    """The columns of a validated table: schema keys, derived columns, ``unit``, ``row``."""
    keys = [c.key for c in tab.columns]
    return keys + [x for c in tab.columns for x in _extra_columns(c)] + ["unit", "row"]


def empty_tables() -> dict[str, pd.DataFrame]:
    return {t.key: pd.DataFrame(columns=table_columns(t)) for t in unit_tabs()}


# -- findings ------------------------------------------------------------------------------------


def make_finding(
    code: str,
    *,
    workbook: str,
    tab: str,
    row: int | None = None,
    column: str | None = None,
    value: str | None = None,
    severity: Severity | None = None,
    **params: object,
) -> Finding:
    """A finding from the catalogue: the message says where (tab, row) and what to type instead."""
    rule = CODES[code]
    body = rule.template.format(column=column or "", value=value or "", tab=tab, **params)
    where = f"Tab {tab}" if tab else f"Workbook {workbook}"
    where += f" baris {row}" if row is not None else ""
    message = f"{where}: {body[:1].upper()}{body[1:]}"
    return Finding(workbook, tab, row, column, value, severity or rule.severity, code, message)


class _Sheet:
    """One tab's raw cells under schema keys (index = sheet row), and the findings about it."""

    def __init__(self, tab: Tab, rows: list[list[Any]] | None, ctx: _Context) -> None:
        self.tab, self.ctx = tab, ctx
        self.findings: list[Finding] = []
        self.failed = False
        data = (rows or [])[1:]
        self.index = pd.RangeIndex(2, len(data) + 2)
        self.rejected = pd.Series(False, index=self.index)
        self.raw: dict[str, pd.Series] = {}
        if rows is None:
            self._whole("missing-tab")
            return
        if not rows or not any(str(h or "").strip() for h in rows[0]):
            self._whole("missing-header", headers=", ".join(tab.headers))
            return
        positions = self._match_header(rows[0])
        width = max(map(len, data), default=0)
        padded = [r if len(r) == width else [*r, *[None] * (width - len(r))] for r in data]
        frame = pd.DataFrame(padded, dtype=object).set_axis(self.index)
        for col in tab.columns:
            i = positions.get(col.key)
            if i is not None and i < frame.shape[1]:
                self.raw[col.key] = frame[i]
            else:
                self.raw[col.key] = pd.Series(None, index=self.index, dtype=object)

    def _whole(self, code: str, **kw: Any) -> None:
        finding = make_finding(code, workbook=self.ctx.workbook, tab=self.tab.name, **kw)
        self.findings.append(finding)
        self.failed = self.failed or finding.severity == "error"

    def _match_header(self, header: Sequence[Any]) -> dict[str, int]:
        """Column positions by key; a missing required column fails the tab, a near miss is named."""
        positions: dict[str, int] = {}
        unknown: dict[int, str] = {}
        for i, text in enumerate(header):
            if text is None or str(text).strip() == "":
                continue
            col = self.tab.match_header(text)
            if col is None:
                unknown[i] = str(text).strip()
            else:
                positions.setdefault(col.key, i)
        for col in self.tab.columns:
            if col.key in positions or col.is_system:
                continue
            guess = _closest_header(col, unknown)
            if guess is not None:
                self._whole(
                    "renamed-column",
                    column=col.name,
                    value=unknown.pop(guess),
                    severity="error" if col.required_column else "warning",
                )
            elif col.required_column:
                self._whole("missing-column", column=col.name)
        return positions

    def emit(self, key: str | None, codes: pd.Series, **params: Any) -> None:
        """Findings for every row where ``codes`` holds a code; Series params vary per row."""
        codes = codes.dropna()
        if codes.empty:
            return
        rows = codes.index
        column = self.tab.column(key) if key else None
        per_row = {
            k: v.reindex(rows).tolist() if isinstance(v, pd.Series) else [v] * len(rows)
            for k, v in params.items()
        }
        if "value" not in per_row:
            raw = self.raw[key][rows].map(parse.cell_text) if key else pd.Series(None, index=rows)
            per_row["value"] = raw.tolist()
        if column is not None:
            per_row.setdefault("description", [column.description] * len(rows))
            per_row.setdefault("choices", [", ".join(column.choices)] * len(rows))
        for i, (row, code) in enumerate(zip(rows.tolist(), codes.tolist(), strict=True)):
            values = {k: v[i] for k, v in per_row.items()}
            self.findings.append(
                make_finding(
                    code,
                    workbook=self.ctx.workbook,
                    tab=self.tab.name,
                    row=int(row),
                    column=column.name if column else None,
                    **values,
                )
            )
        severity = codes.map({c: rule.severity for c, rule in CODES.items()})
        self.rejected[rows[severity.eq("error").to_numpy()]] = True


def _closest_header(column: Column, unknown: Mapping[int, str]) -> int | None:
    """The unrecognised header most like one of ``column``'s names, if close enough."""
    best, best_ratio = None, 0.0
    for i, text in unknown.items():
        folded = normalise_header(text)
        for form in column.header_forms():
            ratio = difflib.SequenceMatcher(None, folded, form).ratio()
            if ratio > best_ratio:
                best, best_ratio = i, ratio
    return best if best_ratio >= 0.75 else None


# -- column parsing ------------------------------------------------------------------------------


def _parse_column(col: Column, raw: pd.Series, ctx: _Context) -> tuple[parse.Parsed, dict]:
    """Typed values, problems and blank mask for one column, plus its derived columns."""
    if col.type == "nip":
        return parse.parse_nip(raw, check_structure=ctx.check_nip_structure), {}
    if col.type == "date":
        return parse.parse_date(raw), {}
    if col.type == "number":
        return parse.parse_number(raw), {}
    if col.type in {"choice", "bool"}:
        return parse.parse_choice(raw, col.choices), {}
    if col.type == "url":
        return parse.parse_url(raw), {}
    if col.type == "email":
        return parse.parse_email(raw), {}
    if col.type == "iso_week":
        return parse.parse_week(raw), {}
    if col.type == "month_or_quarter":
        canonical, start, problems, blank = parse.parse_period(raw)
        return parse.Parsed(canonical, problems, blank), {f"{col.key}_mulai": start}
    if col.type == "target":
        bounds, problems, blank = parse.parse_target(raw)
        low, high = bounds["target_low"], bounds["target_high"]
        text = parse.parse_text(raw).values.where(low.notna(), None)
        extras = {f"{col.key}_low": low, f"{col.key}_high": high, f"{col.key}_text": text}
        return parse.Parsed(low, problems, blank), extras
    return parse.parse_text(raw), {}


class _Typed:
    """A sheet's parsed columns, with cell problems and required/default rules applied."""

    def __init__(self, sheet: _Sheet, *, remap: Mapping[str, Mapping[str, str]] | None = None):
        self.sheet = sheet
        self.values: dict[str, pd.Series] = {}
        self.blank: dict[str, pd.Series] = {}
        parsed: dict[str, parse.Parsed] = {}
        for col in sheet.tab.columns:
            if col.is_system:
                continue
            parsed[col.key], extras = _parse_column(col, sheet.raw[col.key], sheet.ctx)
            self.values[col.key] = parsed[col.key].values
            self.blank[col.key] = parsed[col.key].blank
            self.values.update(extras)
        blank = pd.concat([p.blank for p in parsed.values()], axis=1).all(axis=1)
        self.present = ~blank  # empty rows are ignored
        for col in sheet.tab.columns:
            if col.is_system:
                continue
            p = parsed[col.key]
            codes = p.problems.where(self.present, None)
            if remap and col.key in remap:
                codes = codes.replace(dict(remap[col.key]))
            missing = p.blank & self.present
            if col.required:
                codes = codes.mask(missing, "required-missing")
            elif col.default is not None:
                default = col.canonical_choice(col.default) or col.default
                self.values[col.key] = p.values.mask(missing, default)
            structure = p.values[codes.eq("nip-structure")]
            sheet.emit(col.key, codes, detail=structure.map(parse.nip_structure_problem))

    def __getitem__(self, key: str) -> pd.Series:
        return self.values[key]

    @property
    def ok(self) -> pd.Series:
        """Rows that are present and have no error so far."""
        return self.present & ~self.sheet.rejected

    def table(self, keep: pd.Series, **computed: pd.Series) -> pd.DataFrame:
        """The clean table of the rows in ``keep``: schema keys, derived columns, unit, row."""
        keep = keep & self.present & ~self.sheet.rejected
        data = {**self.values, **computed}
        frame = pd.DataFrame(
            {k: data[k][keep] if k in data else None for k in table_columns(self.sheet.tab)[:-2]}
        )
        for col in self.sheet.tab.columns:
            if col.type == "bool":
                frame[col.key] = frame[col.key].eq(next(iter(col.choices))).astype(bool)
        for key in frame.columns:
            if not (is_float_dtype(frame[key]) or is_bool_dtype(frame[key])) and not (
                is_datetime64_any_dtype(frame[key])
            ):
                frame[key] = _none_for_missing(frame[key])
        frame["unit"] = pd.Series(self.sheet.ctx.unit, index=frame.index, dtype=object)
        frame["row"] = frame.index.astype("int64")
        return frame.reset_index(drop=True)


def _none_for_missing(series: pd.Series) -> pd.Series:
    """Object column with ``None`` (not NaN) where a value is missing, as the contract says."""
    out = series.astype(object)
    out[out.isna()] = None
    return out


def _first_row(keys: pd.Series) -> pd.Series:
    """For each row, the sheet row where the same key first appears (keys may be missing)."""
    present = keys.dropna()
    first = (
        pd.Series(present.index, index=present.index).groupby(present.to_numpy()).transform("min")
    )
    return first.reindex(keys.index).astype("Int64")


# -- the five tabs -------------------------------------------------------------------------------


@dataclass
class _Roster:
    status: pd.Series  # NIP → Aktif/Nonaktif, every parsed roster NIP (even from rejected rows)


def _check_pegawai(sheet: _Sheet, known_nips: set[str] | None) -> tuple[pd.DataFrame, _Roster]:
    typed = _Typed(sheet)
    nip = typed["nip"].where(typed.present)
    first = _first_row(nip)
    again = nip.notna() & first.ne(pd.Series(sheet.index, index=sheet.index))
    sheet.emit("nip", pd.Series("duplicate-nip", index=sheet.index).where(again), other_row=first)
    own = set(nip.dropna())
    everyone = own | (known_nips or set())
    boss = typed["nip_atasan"]
    sheet.emit(
        "nip_atasan",
        pd.Series("unknown-supervisor", index=sheet.index).where(
            boss.notna() & ~boss.isin(everyone)
        ),
        value=boss,
    )
    status = typed["status"].fillna("Aktif")
    roster = pd.Series(status[nip.notna() & ~again].to_numpy(), index=nip[nip.notna() & ~again])
    return typed.table(typed.present), _Roster(roster)


def _fold_id(ids: pd.Series) -> pd.Series:
    return ids.astype(object).str.replace(r"\s+", "", regex=True).str.casefold()


def _emit_unknown_nips(sheet: _Sheet, nip: pd.Series, roster: _Roster) -> None:
    """A NIP that this unit's roster does not hold is an ``unknown-nip`` error."""
    unknown = nip.notna() & ~nip.isin(roster.status.index)
    sheet.emit("nip", pd.Series("unknown-nip", index=sheet.index).where(unknown), value=nip)


def _check_indikator(sheet: _Sheet, roster: _Roster) -> tuple[pd.DataFrame, pd.DataFrame]:
    typed = _Typed(sheet, remap={"bobot": {"negative-number": "invalid-weight"}})
    bobot = typed["bobot"]
    sheet.emit("bobot", pd.Series("invalid-weight", index=sheet.index).where(bobot.eq(0)))
    nip = typed["nip"]
    _emit_unknown_nips(sheet, nip, roster)
    folded = _fold_id(typed["id"].where(typed.present))
    first = _first_row(folded)
    again = folded.notna() & first.ne(pd.Series(sheet.index, index=sheet.index))
    sheet.emit(
        "id", pd.Series("duplicate-indicator-id", index=sheet.index).where(again), other_row=first
    )
    # Every indicator row whose ID parsed (even if rejected for another reason) answers
    # references from Realisasi, so one mistake in Indikator does not cascade into many there.
    known = ~again & folded.notna()
    catalogue = pd.DataFrame(
        {
            "id": typed["id"][known],
            "nip": nip[known],
            "agregasi": typed["agregasi"][known],
            "satuan": typed["satuan"][known],
            "target_high": typed["target_high"][known],
            "wajib_bukti": typed["wajib_bukti"][known].eq(
                next(iter(sheet.tab.column("wajib_bukti").choices))
            ),
        }
    ).set_index(folded[known])
    return typed.table(typed.present), catalogue


def _check_realisasi(
    sheet: _Sheet, roster: _Roster, catalogue: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    ctx = sheet.ctx
    typed = _Typed(sheet)
    idx = sheet.index

    def code(name: str, where: pd.Series) -> pd.Series:
        return pd.Series(name, index=idx).where(where)

    day = typed["tanggal"]
    today = pd.Timestamp(ctx.today)
    future = day.gt(today)
    outside = ~future & (day.lt(pd.Timestamp(ctx.start)) | day.gt(pd.Timestamp(ctx.end)))
    sheet.emit(
        "tanggal", code("future-date", future), today=format_date(ctx.today, with_weekday=False)
    )
    sheet.emit(
        "tanggal",
        code("date-outside-period", outside),
        start=format_date(ctx.start, with_weekday=False),
        end=format_date(ctx.end, with_weekday=False),
    )

    nip = typed["nip"]
    status = nip.map(roster.status)
    sheet.emit("nip", code("unknown-nip", nip.notna() & status.isna()), value=nip)
    sheet.emit("nip", code("inactive-nip", status.eq("Nonaktif")), value=nip)

    folded = _fold_id(typed["id_indikator"])
    owner = folded.map(catalogue["nip"])
    known = folded.notna() & folded.isin(catalogue.index)
    others = known & nip.notna() & owner.ne(nip)
    own_ids = _own_ids(nip[(folded.notna() & ~known) | others], catalogue)
    sheet.emit("id_indikator", code("unknown-indicator", folded.notna() & ~known), own=own_ids)
    sheet.emit(
        "id_indikator", code("indicator-other-nip", others), owner=owner, nip=nip, own=own_ids
    )
    indicator = folded.map(catalogue["id"])

    bukti_missing = typed.blank["bukti"]
    needs = known & ~others & folded.map(catalogue["wajib_bukti"]).eq(True)
    sheet.emit(
        "bukti",
        code("evidence-required", needs & bukti_missing & typed.present),
        indicator=indicator,
    )

    value = typed["realisasi"]
    target = folded.map(catalogue["target_high"])
    jumlah = folded.map(catalogue["agregasi"]).eq("Jumlah")
    percent = folded.map(catalogue["satuan"]).astype(object).str.strip().isin(["%", "persen"])
    ok = typed.ok
    implausible = ok & jumlah & value.gt(target)
    sheet.emit(
        "realisasi",
        code("implausible-value", implausible),
        target=target[implausible].map(_number_text),
        indicator=indicator,
    )
    sheet.emit("realisasi", code("percent-over-100", ok & percent & value.gt(100)))

    # An exact repeat counts once: the row furthest down wins, the rows above it are warned.
    ok = typed.ok
    keys = pd.DataFrame({"n": nip, "i": indicator, "t": day, "v": value})[ok]
    repeated = keys.duplicated(keep="last")
    last = (
        pd.Series(keys.index, index=keys.index)
        .groupby([keys["n"], keys["i"], keys["t"], keys["v"]])
        .transform("max")
    )
    sheet.emit(
        "realisasi",
        code("duplicate-entry", repeated.reindex(idx, fill_value=False)),
        other_row=last,
        value="",
    )
    collapsed = repeated.reindex(idx, fill_value=False)

    warned = _messages(sheet.findings, "warning")
    table = typed.table(
        ~collapsed,
        id_indikator=indicator.where(known, typed["id_indikator"]),
        status=pd.Series(_STATUS_OK, index=idx).mask(warned.reindex(idx).notna(), "Peringatan"),
        pesan_validasi=warned.reindex(idx),
    )
    return table, _rejected(sheet, typed)


def _own_ids(nips: pd.Series, catalogue: pd.DataFrame) -> pd.Series:
    """For a message: ", misalnya PLY-01, PLY-02" (the indicators of the row's NIP), or ""."""
    by_nip = catalogue.groupby("nip")["id"].agg(lambda ids: ", ".join(ids))
    listed = nips.map(by_nip)
    return listed.map(lambda s: f", misalnya {s}" if isinstance(s, str) else "").astype(object)


def _number_text(value: float) -> str:
    return parse.cell_text(float(value)).replace(".", ",") if pd.notna(value) else ""


def _messages(findings: Iterable[Finding], severity: Severity | None = None) -> pd.Series:
    """Messages joined per row (rows with findings only), in finding order."""
    joined: dict[int, str] = {}
    for f in findings:
        if f.row and severity in (None, f.severity):
            joined[f.row] = f"{joined[f.row]} {f.message}" if f.row in joined else f.message
    return pd.Series(joined, dtype=object)


def _rejected(sheet: _Sheet, typed: _Typed) -> pd.DataFrame:
    rows = sheet.rejected[sheet.rejected & typed.present].index
    if rows.empty:
        return pd.DataFrame(columns=REJECTED_COLUMNS)
    raw = {
        k: sheet.raw[k][rows].map(parse.cell_text)
        for k in ("nip", "id_indikator", "tanggal", "realisasi")
    }
    return pd.DataFrame(
        {
            "row": rows.astype("int64"),
            "nip": typed["nip"][rows].fillna(raw["nip"]).astype(object),
            "id_indikator": raw["id_indikator"],
            "tanggal": raw["tanggal"],
            "tanggal_nilai": pd.to_datetime(typed["tanggal"][rows]),
            "realisasi": raw["realisasi"],
            "pesan": _messages(sheet.findings).reindex(rows),
        }
    ).reset_index(drop=True)


def _check_people_tab(sheet: _Sheet, roster: _Roster) -> pd.DataFrame:
    """Perilaku and Refleksi: every row names an ASN of this unit."""
    typed = _Typed(sheet)
    nip = typed["nip"]
    _emit_unknown_nips(sheet, nip, roster)
    for col in sheet.tab.columns:
        if col.type == "month_or_quarter":
            ctx = sheet.ctx
            first = typed[f"{col.key}_mulai"]
            period_first = pd.Timestamp(ctx.start).to_period("M").start_time
            outside = first.lt(period_first) | first.gt(pd.Timestamp(ctx.end))
            sheet.emit(
                col.key,
                pd.Series("date-outside-period", index=sheet.index).where(outside),
                start=format_date(ctx.start, with_weekday=False),
                end=format_date(ctx.end, with_weekday=False),
            )
    return typed.table(typed.present)


# -- entry points --------------------------------------------------------------------------------


def _tab_rows(raw: Mapping[str, list | None], name: str) -> list | None:
    title = find_tab_title(list(raw), name)
    return None if title is None else raw[title]


def roster_nips(raw: Mapping[str, list | None]) -> set[str]:
    """The NIPs a unit's Pegawai tab lists (first pass of the cross-unit supervisor check)."""
    ctx = _Context("", "", dt.date.min, dt.date.min, dt.date.max, False)
    pegawai = tab("pegawai")
    sheet = _Sheet(pegawai, _tab_rows(raw, pegawai.name), ctx)
    if sheet.failed:
        return set()
    return set(parse.parse_nip(sheet.raw["nip"], check_structure=False).values.dropna())


def validate_unit(
    raw: Mapping[str, list | None],
    *,
    unit: str,
    workbook: str,
    today: dt.date,
    period: Any,
    known_nips: set[str] | None = None,
    check_nip_structure: bool = True,
) -> UnitData:
    """Validate one unit workbook's raw tabs (``{tab name: rows}``, header = rows[0]).

    ``period`` has ``start`` and ``end`` dates (``config.Period``); ``known_nips`` are the NIPs of
    every unit, for ``NIP Atasan`` (default: this unit's roster only).
    """
    ctx = _Context(unit, workbook, today, period.start, period.end, check_nip_structure)
    sheets = {t.key: _Sheet(t, _tab_rows(raw, t.name), ctx) for t in unit_tabs()}
    if any(s.failed for s in sheets.values()):
        findings = [f for s in sheets.values() for f in s.findings]
        return UnitData(unit, workbook, empty_tables(), findings, failed=True)
    pegawai, roster = _check_pegawai(sheets["pegawai"], known_nips)
    indikator, catalogue = _check_indikator(sheets["indikator"], roster)
    realisasi, rejected = _check_realisasi(sheets["realisasi"], roster, catalogue)
    tables = {
        "pegawai": pegawai,
        "indikator": indikator,
        "realisasi": realisasi,
        "perilaku": _check_people_tab(sheets["perilaku"], roster),
        "refleksi": _check_people_tab(sheets["refleksi"], roster),
    }
    tables["realisasi"]["tanggal"] = tables["realisasi"]["tanggal"].astype("datetime64[ns]")
    tables["perilaku"]["periode_mulai"] = tables["perilaku"]["periode_mulai"].astype(
        "datetime64[ns]"
    )
    findings = [f for s in sheets.values() for f in _in_sheet_order(s)]
    return UnitData(unit, workbook, tables, findings, rejected=rejected)


def _in_sheet_order(sheet: _Sheet) -> list[Finding]:
    position = {c.name: i for i, c in enumerate(sheet.tab.columns)}
    return sorted(sheet.findings, key=lambda f: (f.row or 0, position.get(f.column or "", -1)))


def validate_units(
    raws: Sequence[tuple[str, str, Mapping[str, list | None]]],
    *,
    today: dt.date,
    period: Any,
    check_nip_structure: bool = True,
    extra_nips: Iterable[str] = (),
) -> list[UnitData]:
    """Validate several units ``(unit, workbook, raw)``; a supervisor may sit in any unit.

    Two passes: the rosters first (every unit's NIPs, plus ``extra_nips`` from units not being
    validated this run), then each unit against them.
    """
    known = set(extra_nips).union(*(roster_nips(raw) for _, _, raw in raws))
    return [
        validate_unit(
            raw,
            unit=unit,
            workbook=workbook,
            today=today,
            period=period,
            known_nips=known,
            check_nip_structure=check_nip_structure,
        )
        for unit, workbook, raw in raws
    ]


def combine(units: Sequence[UnitData]) -> dict[str, pd.DataFrame]:
    """Every unit's tables concatenated (failed units add nothing), plus ``rejected``."""
    out: dict[str, pd.DataFrame] = {}
    empty = empty_tables()
    for key in TABLE_KEYS:
        frames = [u.tables[key] for u in units if not u.failed and len(u.tables[key])]
        out[key] = pd.concat(frames, ignore_index=True) if frames else empty[key]
    rejected = [u.rejected.assign(unit=u.unit) for u in units if len(u.rejected)]
    out["rejected"] = (
        pd.concat(rejected, ignore_index=True)
        if rejected
        else pd.DataFrame(columns=[*REJECTED_COLUMNS, "unit"])
    )
    return out


def realisasi_statuses(unit_data: UnitData) -> dict[int, tuple[str, str]]:
    """Sheet row → (Status, Pesan Validasi) for every non-empty Realisasi row of the unit."""
    realisasi = unit_data.tables["realisasi"]
    out = {
        int(r): (s, m or "")
        for r, s, m in zip(
            realisasi["row"], realisasi["status"], realisasi["pesan_validasi"], strict=True
        )
    }
    name = tab("realisasi").name
    worst: dict[int, Severity] = {}
    for f in unit_data.findings:
        if f.tab == name and f.row is not None and worst.get(f.row) != "error":
            worst[f.row] = f.severity
    messages = _messages(f for f in unit_data.findings if f.tab == name)
    for row, severity in worst.items():
        out[row] = (STATUS_FOR_SEVERITY[severity], messages[row])
    return out
