"""Every benchmark of capaian, with its workload, in one command.

    python bench/run.py            # full sizes at 0.1x and 1x, medians of 3 runs
    python bench/run.py --quick    # small sizes, under a minute; fails on a wrong request count
    python bench/run.py --only letters --compare bench/results/abc1234.json

Each workload runs in a fresh process (so its peak memory is its own), on seeded synthetic data
generated in a temporary folder. The table shows each figure beside the anchor measured in the
same run and its target; the JSON (``--json``, by default ``bench/results/<commit>.json``) keeps
them for comparison between commits. Timings are reported, never asserted; counts (``exact``
figures) are asserted by ``--quick``, which CI runs.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.suite import Figure, cores  # noqa: E402

WORKLOADS = ("city", "letters", "local_workbook", "google_requests")
FULL_SCALES = (0.1, 1.0)
LINEAR = 0.7  # throughput at 1x at least this share of that at 0.1x counts as linear


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.worker:
        return _work(args.worker, args.scale, args.repeats)
    names = args.only or list(WORKLOADS)
    figures: list[Figure] = []
    growth: list[dict] = []
    for name in names:
        module = importlib.import_module(f"bench.workloads.{name}")
        scales = [module.QUICK_SCALE] if args.quick else list(FULL_SCALES)
        by_scale = {s: _run_worker(name, s, 1 if args.quick else 3) for s in scales}
        figures += by_scale[scales[-1]]
        if len(scales) > 1:
            growth += _growth(by_scale[scales[0]], by_scale[scales[-1]])
    report = _report(figures, growth, quick=args.quick)
    print(_table(figures, growth))
    out = Path(args.json) if args.json else ROOT / "bench" / "results" / f"{report['commit']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    print(f"\nJSON: {out}")
    if args.compare:
        print(_comparison(json.loads(Path(args.compare).read_text()), report))
    wrong = [f for f in figures if f.exact and f.met is False]
    unmet = [f for f in figures if f.met is False]
    for f in wrong:
        print(f"SALAH HITUNG: {f.label}: {f.value:g} {f.unit}, harus {f.target}", file=sys.stderr)
    return 1 if wrong or (unmet and not args.quick) else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one run each")
    parser.add_argument("--only", action="append", choices=WORKLOADS, help="run just these")
    parser.add_argument("--json", help="where to write the figures (JSON)")
    parser.add_argument("--compare", help="an earlier JSON to print the change against")
    parser.add_argument("--worker", choices=WORKLOADS, help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=float, default=1.0, help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=3, help=argparse.SUPPRESS)
    return parser


def _work(name: str, scale: float, repeats: int) -> int:
    """In the worker process: run one workload and print its figures as JSON on the last line."""
    module = importlib.import_module(f"bench.workloads.{name}")
    figures = module.run(scale=scale, repeats=repeats)
    print(json.dumps([f.to_dict() for f in figures]))
    return 0


def _run_worker(name: str, scale: float, repeats: int) -> list[Figure]:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", name]
    command += ["--scale", str(scale), "--repeats", str(repeats)]
    print(f"… {name} at {scale:g}x", file=sys.stderr, flush=True)
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"workload {name} failed at {scale:g}x (exit {done.returncode})")
    return [Figure.from_dict(d) for d in json.loads(done.stdout.strip().splitlines()[-1])]


def _growth(small: list[Figure], large: list[Figure]) -> list[dict]:
    """Per sized figure: its throughput at 1x against 0.1x, and whether that stays linear."""
    before = {f.key: f for f in small}
    rows = []
    for f in large:
        s = before.get(f.key)
        if not (s and f.size and s.size and f.value and s.value and f.unit.endswith("/s")):
            continue
        kept = f.value / s.value
        rows.append(
            {
                "key": f.key,
                "label": f.label,
                "small": s.value,
                "large": f.value,
                "size_small": s.size,
                "size_large": f.size,
                "kept": kept,
                "linear": kept >= LINEAR,
            }
        )
    return rows


def _report(figures: list[Figure], growth: list[dict], *, quick: bool) -> dict:
    commit = (
        subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        or "unknown"
    )
    return {
        "commit": commit,
        "quick": quick,
        "machine": {
            "cores": cores(),
            "cpu": _cpu_name(),
            "python": platform.python_version(),
            "system": platform.platform(),
        },
        "figures": [f.to_dict() for f in figures],
        "growth": growth,
    }


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def _table(figures: list[Figure], growth: list[dict]) -> str:
    head = ("figure", "value", "anchor", "ratio", "target", "met?")
    rows = [
        (
            f.label,
            f"{_number(f.value)} {f.unit}",
            f"{f.anchor}: {_number(f.anchor_value)}" if f.anchor else "—",
            f"{f.ratio:.2f}×" if f.ratio is not None else "—",
            f.target or "—",
            {True: "yes", False: "NO", None: "—"}[f.met],
        )
        for f in figures
    ]
    rows += [
        (
            f"growth 0.1×→1×: {g['label']}",
            f"{g['kept']:.2f} of the 0.1× rate",
            "—",
            "—",
            f">= {LINEAR}",
            "linear" if g["linear"] else "NOT linear",
        )
        for g in growth
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in [head, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _comparison(old: dict, new: dict) -> str:
    before = {f["key"]: f for f in old["figures"]}
    lines = [f"\nagainst {old['commit']}:"]
    for f in new["figures"]:
        if f["key"] in before and before[f["key"]]["value"]:
            was = before[f["key"]]["value"]
            lines.append(
                f"  {f['label']}: {_number(was)} → {_number(f['value'])} {f['unit']} "
                f"({(f['value'] - was) / was:+.0%})"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
