"""The docs keep up with the code: every command and config key is documented in README.md."""

from __future__ import annotations

import re

from conftest import ROOT

from workflows.cli import COMMANDS, build_parser
from workflows.config import Config

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands():
    blocks = re.findall(r"```bash\n(.*?)\n```", README, flags=re.S)
    assert (
        blocks[0].startswith("pip install -r requirements.txt")
        and "python run.py weekly" in blocks[0]
    )
    assert (
        blocks[1] == "pip install -r requirements.txt -r requirements-dev.txt && python -m pytest"
    )
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "requirements-dev.txt" in ci and "python -m pytest" in ci


def test_every_command_is_documented_with_help():
    for name, (help_text, _) in COMMANDS.items():
        assert f"| `{name}` |" in README, name
        assert help_text
    parser = build_parser()
    assert set(parser._subparsers._group_actions[0].choices) == set(COMMANDS)


def test_every_config_key_is_documented():
    for key in Config.model_fields:
        if key == "base_dir":
            continue
        assert f"`{key}" in README, key


def test_the_sheet_guide_is_generated_from_the_schemas():
    from workflows.sheet_docs import DOCS_PATH, render_sheet_docs

    assert DOCS_PATH.read_text(encoding="utf-8") == render_sheet_docs(), (
        "docs/sheets.md is out of date: run python -m workflows.sheet_docs"
    )
    assert "| Pesan Validasi | teks | boleh kosong | sistem |" in render_sheet_docs()


def test_command_line_help_and_errors_speak_indonesian(capsys):
    import pytest

    from workflows.cli import main

    with pytest.raises(SystemExit):
        main(["weekly", "--help"])
    out = capsys.readouterr().out
    assert (
        out.startswith("cara pakai: run.py weekly") and "tampilkan bantuan ini lalu keluar" in out
    )
    with pytest.raises(SystemExit) as caught:
        main(["laporan"])
    assert caught.value.code == 2
    assert "kesalahan: argumen PERINTAH: pilihan 'laporan' tidak dikenal" in capsys.readouterr().err
