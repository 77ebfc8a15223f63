"""The docs keep up with the code: every command and config key is documented in README.md, and
the staff guides in docs/ are generated from the schemas and the rule registry."""

from __future__ import annotations

import ast
import re

import pytest
from conftest import ROOT

from workflows.cli import main
from workflows.config import Config
from workflows.sheet_docs import DOCS_PATH, FINDINGS_PATH, render_findings_docs, render_sheet_docs

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


def _help(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit):
        main([*argv, "--help"])
    return capsys.readouterr().out


def test_every_command_is_documented_and_shows_its_help(capsys):
    section = README.split("## Commands", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `(\w+)` \|", section, flags=re.M)
    offered = re.findall(r"^ {4}([a-z]+) ", _help(capsys), flags=re.M)
    assert sorted(documented) == sorted(offered) and len(offered) >= 8
    for name in offered:
        usage, description = _help(capsys, name).split("\n\n")[:2]
        assert usage.startswith(f"cara pakai: run.py {name}")
        assert description.rstrip().endswith("."), name


def test_every_config_key_is_documented():
    for key in Config.model_fields:
        if key == "base_dir":
            continue
        assert f"`{key}" in README, key


def test_the_sheet_guide_is_generated_from_the_schemas():
    assert DOCS_PATH.read_text(encoding="utf-8") == render_sheet_docs(), (
        "docs/sheets.md is out of date: run python -m workflows.sheet_docs"
    )
    assert "| Pesan Validasi | teks | boleh kosong | sistem |" in render_sheet_docs()


def test_command_line_help_and_errors_speak_indonesian(capsys):
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


def test_the_findings_guide_is_generated_from_the_rules():
    assert FINDINGS_PATH.read_text(encoding="utf-8") == render_findings_docs(), (
        "docs/findings.md is out of date: run python -m workflows.sheet_docs"
    )


# Kebab-case strings in workflows/ that are not finding codes.
NOT_FINDING_CODES = {
    "utf-8",  # encoding
    "quoted-printable",  # mail transfer encoding
    "auto-generated",  # the Auto-Submitted mail header's value
    "kel-asemrowo",  # demo workbook names
    "kel-genting-kalianak",
}


def test_every_finding_code_in_the_code_is_in_the_findings_guide():
    """A code typed anywhere in workflows/ (a make_finding call, a parser's problem, a planted
    demo mistake) is one the guide explains: a new code cannot skip the registry."""
    used = {
        node.value
        for path in (ROOT / "workflows").glob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and re.fullmatch(r"[a-z]+(?:-[a-z0-9]+)+", node.value)
    } - NOT_FINDING_CODES
    guide = FINDINGS_PATH.read_text(encoding="utf-8")
    explained = set(re.findall(r"^### `([a-z0-9-]+)`$", guide, flags=re.M))
    assert len(used) >= 30 and used - explained == set()
