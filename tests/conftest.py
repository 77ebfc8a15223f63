"""Shared fixtures: a config in a temporary folder, and the demo workbooks (made once, copied)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from workflows.config import Config, load_config

ROOT = Path(__file__).resolve().parent.parent
DEMO_DATE = "2026-11-30"  # a Monday: the demo's week 2026-W48 (cut-off Sunday 2026-11-29)


def write_config(folder: Path, **overrides: object) -> Path:
    """The repository's config.yaml with top-level keys replaced, written into ``folder``."""
    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    data.update(overrides)
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return write_config(tmp_path)


@pytest.fixture
def config(config_path: Path) -> Config:
    return load_config(config_path)


@pytest.fixture(scope="session")
def _demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from workflows.demo import write_demo

    folder = tmp_path_factory.mktemp("demo_master")
    write_demo(load_config(write_config(folder)), force=True)
    return folder


@pytest.fixture
def demo_config(_demo_master: Path, tmp_path: Path) -> Config:
    """A fresh copy of the demo workbooks and config in this test's tmp_path."""
    shutil.copytree(_demo_master, tmp_path, dirs_exist_ok=True)
    return load_config(tmp_path / "config.yaml")
