"""The thin command line: parse, load config, call one workflow, print, map failures to an exit.

Exit status: 0 done (findings in staff data are not failures), 1 the run failed, 2 bad config or
arguments. Messages for the operator are Indonesian; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from . import commands
from .calendar import PeriodError
from .config import Config, ConfigError, load_config
from .errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError
from .scheduler import cmd_schedule
from .workbook import WorkbookError

log = logging.getLogger("capaian")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"tanggal '{text}' tidak sah; tulis YYYY-MM-DD, misalnya 2026-03-02"
        ) from None


COMMANDS: dict[str, tuple[str, Callable[[Config, argparse.Namespace], int]]] = {
    "demo": (
        "Menulis workbook demo Kecamatan Asemrowo (data contoh, termasuk beberapa isian keliru).",
        commands.cmd_demo,
    ),
    "init": (
        "Membuat atau melengkapi tab dan judul kolom semua workbook tanpa mengubah isian.",
        commands.cmd_init,
    ),
    "validate": (
        "Memeriksa isian dan menulis Status serta Pesan Validasi di samping baris staf "
        "(--read-only hanya membaca); --json mencetak temuan sebagai JSON.",
        commands.cmd_validate,
    ),
    "score": (
        "Memeriksa, menghitung nilai, dan menerbitkan workbook ringkasan.",
        commands.cmd_score,
    ),
    "explain": (
        "Menjelaskan nilai satu ASN minggu ini: entri yang dihitung, target, rumus, bobot, "
        "rating, dan predikat (hanya membaca); --json mencetaknya sebagai JSON.",
        commands.cmd_explain,
    ),
    "letters": (
        "Menyusun dan mengirim surat umpan balik minggu ini (--dry-run hanya menyusun pratinjau).",
        commands.cmd_letters,
    ),
    "remind": (
        "Mengirim pengingat kepada ASN yang belum mengisi realisasi minggu ini.",
        commands.cmd_remind,
    ),
    "weekly": (
        "Proses mingguan lengkap: periksa, hitung, terbitkan, kirim surat.",
        commands.cmd_weekly,
    ),
    "guide": (
        "Menulis panduan kriteria penilaian (HTML siap cetak) per unit untuk sosialisasi.",
        commands.cmd_guide,
    ),
    "schedule": (
        "Menjalankan penjadwal (proses mingguan dan pengingat) terus-menerus.",
        cmd_schedule,
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


def _common_options(*, suppress: bool) -> argparse.ArgumentParser:
    """The options every command takes; accepted before or after the command's name (after
    the name, an option not given keeps what was given before it)."""

    def default(value):
        return argparse.SUPPRESS if suppress else value

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        type=Path,
        default=default(Path("config.yaml")),
        metavar="BERKAS",
        help="berkas konfigurasi (bawaan: config.yaml)",
    )
    common.add_argument(
        "--date",
        type=_date,
        default=default(None),
        metavar="TANGGAL",
        help="anggap hari ini tanggal ini (YYYY-MM-DD), untuk menjalankan ulang minggu mana pun",
    )
    common.add_argument(
        "--unit", default=default(None), metavar="NAMA", help="hanya unit dengan nama ini"
    )
    common.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default(False),
        help="tampilkan rincian proses",
    )
    common.add_argument(
        "--debug",
        action="store_true",
        default=default(False),
        help="tampilkan traceback bila gagal",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    _speak_indonesian()
    parser = argparse.ArgumentParser(
        prog="run.py",
        description="capaian: penilaian kinerja ASN berbasis capaian.",
        parents=[_common_options(suppress=False)],
    )
    common = _common_options(suppress=True)
    sub = parser.add_subparsers(dest="command", required=True, metavar="PERINTAH")
    for name, (help_text, _) in COMMANDS.items():
        p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        if name == "demo":
            p.add_argument(
                "--force", action="store_true", help="tulis ulang workbook demo yang sudah ada"
            )
        if name == "validate":
            p.add_argument("--json", action="store_true", help="cetak temuan sebagai JSON")
            p.add_argument(
                "--read-only",
                action="store_true",
                help="hanya membaca dan memeriksa; tidak menulis Status ke workbook unit",
            )
        if name == "explain":
            p.add_argument("nip", nargs="+", metavar="NIP", help="NIP ASN (boleh dengan spasi)")
            p.add_argument("--json", action="store_true", help="cetak penjelasan sebagai JSON")
        if name in {"letters", "remind", "weekly"}:
            p.add_argument(
                "--dry-run",
                action="store_true",
                help="susun surat sebagai pratinjau tanpa mengirim atau mencatat apa pun",
            )
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
        status = COMMANDS[args.command][1](config, args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handlers below
        return status
    except ConfigError as exc:
        print(f"Konfigurasi salah: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except PeriodError as exc:  # the date lies before or after the SKP period config pins
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except CommandError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_status
    except WorkbookError as exc:
        print(f"Gagal: {exc}", file=sys.stderr)
        if args.debug:
            traceback.print_exc()
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader went away (``validate --json | head``): a quiet, normal end.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
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
