"""The thin command line: parse, load config, call one workflow, print, map failures to an exit.

Exit status: 0 done (findings in staff data are not failures), 1 the run failed, 2 bad config or
arguments. Messages for the operator are Indonesian; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import logging
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from .calendar import local_today, run_week
from .config import Config, ConfigError, load_config
from .workbook import WorkbookError

log = logging.getLogger("capaian")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CommandError(Exception):
    """A known failure with a sentence for the operator; ``exit_status`` says which kind."""

    def __init__(self, message: str, exit_status: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.exit_status = exit_status


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"tanggal '{text}' tidak sah; tulis YYYY-MM-DD, misalnya 2026-03-02"
        ) from None


def today_for(config: Config, args: argparse.Namespace) -> dt.date:
    """The run's "today": ``--date`` when given, else the date in the configured timezone."""
    return args.date or local_today(config.timezone)


def week_for(config: Config, args: argparse.Namespace):
    return run_week(
        today_for(config, args), period_start=config.period.start, period_end=config.period.end
    )


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, out=None) -> None:
    """A plain aligned text table for the console."""
    out = out or sys.stdout
    cells = [[str(h) for h in headers]] + [
        ["" if v is None else str(v) for v in row] for row in rows
    ]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip(), file=out)
        if n == 0:
            print("  ".join("-" * w for w in widths), file=out)


# -- commands ------------------------------------------------------------------------------------


def cmd_demo(config: Config, args: argparse.Namespace) -> int:
    from .demo import write_demo

    if config.backend != "local":
        raise CommandError(
            "Data demo hanya dibuat sebagai workbook .xlsx lokal; pakai config dengan 'backend: local'.",
            EXIT_USAGE,
        )
    written = write_demo(config, force=args.force)
    folder = config.path(config.local.folder)
    if written:
        print(f"Data demo ditulis ke {folder}: {', '.join(written)}.")
    else:
        print(
            f"Data demo sudah ada di {folder}; tidak ada yang diubah (pakai --force untuk menulis ulang)."
        )
    return EXIT_OK


def cmd_init(config: Config, args: argparse.Namespace) -> int:
    from .prepare import prepare_workbooks

    changes = prepare_workbooks(config, only_unit=args.unit)
    for line in changes:
        print(line)
    print("Semua workbook sudah lengkap." if not changes else f"{len(changes)} perubahan dibuat.")
    return EXIT_OK


def _from(module: str, function: str) -> Callable[[Config, argparse.Namespace], int]:
    """A command implemented in ``workflows.<module>``, imported only when that command runs."""

    def run(config: Config, args: argparse.Namespace) -> int:
        handler = getattr(importlib.import_module(f"workflows.{module}"), function)
        return handler(config, args)

    return run


COMMANDS: dict[str, tuple[str, Callable[[Config, argparse.Namespace], int]]] = {
    "demo": (
        "Menulis workbook demo Kecamatan Asemrowo (data contoh, termasuk beberapa isian keliru).",
        cmd_demo,
    ),
    "init": (
        "Membuat atau melengkapi tab dan judul kolom semua workbook tanpa mengubah isian.",
        cmd_init,
    ),
    "validate": (
        "Membaca dan memeriksa isian; --json mencetak temuan sebagai JSON.",
        _from("check", "cmd_validate"),
    ),
    "score": (
        "Memeriksa, menghitung nilai, dan menerbitkan workbook ringkasan.",
        _from("publish", "cmd_score"),
    ),
    "letters": (
        "Menyusun dan mengirim surat umpan balik minggu ini (--dry-run hanya menyusun).",
        _from("weekly", "cmd_letters"),
    ),
    "remind": (
        "Mengirim pengingat kepada ASN yang belum mengisi realisasi minggu ini.",
        _from("weekly", "cmd_remind"),
    ),
    "weekly": (
        "Proses mingguan lengkap: periksa, hitung, terbitkan, kirim surat.",
        _from("weekly", "cmd_weekly"),
    ),
    "schedule": (
        "Menjalankan penjadwal (proses mingguan dan pengingat) terus-menerus.",
        _from("scheduler", "cmd_schedule"),
    ),
}


# argparse's own words, for the people who run the commands (argparse looks them up through its
# module-level gettext function ``_``).
ARGPARSE_WORDS = {
    "usage: ": "cara pakai: ",
    "options": "pilihan",
    "positional arguments": "argumen",
    "show this help message and exit": "tampilkan bantuan ini lalu keluar",
    "%(prog)s: error: %(message)s\n": "%(prog)s: kesalahan: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argumen %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "argumen berikut wajib diisi: %s",
    "unrecognized arguments: %s": "argumen tidak dikenal: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "pilihan %(value)r tidak dikenal (pilih salah satu: %(choices)s)"
    ),
    "expected one argument": "perlu satu nilai",
    "ambiguous option: %(option)s could match %(matches)s": (
        "pilihan %(option)s bermakna ganda: bisa %(matches)s"
    ),
}


def _speak_indonesian() -> None:
    argparse._ = lambda text: ARGPARSE_WORDS.get(text, text)  # type: ignore[attr-defined]


def build_parser() -> argparse.ArgumentParser:
    _speak_indonesian()
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        type=Path,
        default=Path("config.yaml"),
        metavar="BERKAS",
        help="berkas konfigurasi (bawaan: config.yaml)",
    )
    common.add_argument(
        "--date",
        type=_date,
        default=None,
        metavar="TANGGAL",
        help="anggap hari ini tanggal ini (YYYY-MM-DD), untuk menjalankan ulang minggu mana pun",
    )
    common.add_argument("--unit", default=None, metavar="NAMA", help="hanya unit dengan nama ini")
    common.add_argument("-v", "--verbose", action="store_true", help="tampilkan rincian proses")
    common.add_argument("--debug", action="store_true", help="tampilkan traceback bila gagal")

    parser = argparse.ArgumentParser(
        prog="run.py",
        description="capaian: penilaian kinerja ASN berbasis capaian, Kecamatan Asemrowo.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="PERINTAH")
    for name, (help_text, _) in COMMANDS.items():
        p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        if name == "demo":
            p.add_argument(
                "--force", action="store_true", help="tulis ulang workbook demo yang sudah ada"
            )
        if name == "validate":
            p.add_argument("--json", action="store_true", help="cetak temuan sebagai JSON")
        if name in {"letters", "remind", "weekly"}:
            p.add_argument("--dry-run", action="store_true", help="susun surat tanpa mengirim")
        if name in {"letters", "weekly"}:
            p.add_argument(
                "--resend",
                metavar="NIP",
                action="append",
                default=[],
                help="kirim ulang surat minggu ini untuk NIP ini (boleh berulang)",
            )
            p.add_argument(
                "--force", action="store_true", help="kirim ulang semua surat minggu ini"
            )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        config = load_config(args.config)
        return COMMANDS[args.command][1](config, args)
    except ConfigError as exc:
        print(f"Konfigurasi salah: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except CommandError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_status
    except WorkbookError as exc:
        print(f"Gagal: {exc}", file=sys.stderr)
        if args.debug:
            traceback.print_exc()
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("Dihentikan oleh pengguna.", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:  # an unexpected fault: one sentence, the traceback on --debug
        print(
            f"Proses gagal karena kesalahan tak terduga: {type(exc).__name__}: {exc}",
            file=sys.stderr,
        )
        if args.debug:
            traceback.print_exc()
        else:
            print("Jalankan ulang dengan --debug untuk melihat rinciannya.", file=sys.stderr)
        return EXIT_FAILED
