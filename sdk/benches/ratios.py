#!/usr/bin/env python3
"""Print the record-path ratio table from criterion's estimates.

Run the benches first, all in one invocation so that every ratio compares numbers of the same run:

    cargo bench -p census-sdk --bench count_3tags --bench dist_3tags --bench bound \
        --bench four_views --bench no_views --bench tag_context --bench otel
    python3 sdk/benches/ratios.py [--stat median|mean|slope] [--markdown] [RUN_DIR ...]

A RUN_DIR holds `criterion/<group>/<bench>/new/estimates.json`: the cargo target directory
(the default: the workspace's `target`, or $CARGO_TARGET_DIR) or a copy of it kept from an earlier
run (`mkdir -p /tmp/run1 && cp -r target/criterion /tmp/run1/`). Given several, the tables get one
column per run, side by side. Times are ns per operation per thread.

2-thread benches also record their CPU share (see `two_threads` in common/mod.rs): below 0.85
the two threads mostly time-shared one core, so the number is not a contention measurement.
"""

import json
import os
import sys
from pathlib import Path

GROUPS = ("count_3tags", "dist_3tags", "bound", "four_views", "no_views", "tag_context", "otel")
CONCURRENT = 0.85

# (check, census bench, other bench or None for an absolute limit, limit, kind)
#   kind "ratio":  census / other  <= limit (limit None: shown for information)
#   kind "ns":     census          <= limit ns
#   kind "faster": other / census  >= limit
CHECKS = []
for t in ("1t", "2t"):
    CHECKS += [
        ("1 count, 3 tags / prom vec", f"count_3tags/census_{t}", f"count_3tags/prometheus_{t}", 1.0, "ratio"),
        ("2 distribution / prom vec", f"dist_3tags/census_{t}", f"dist_3tags/prometheus_{t}", 1.0, "ratio"),
        ("3 bound / bare atomic", f"bound/census_{t}", f"bound/atomic_{t}", 1.5, "ratio"),
        ("3 bound / prom IntCounter", f"bound/census_{t}", f"bound/prometheus_{t}", None, "ratio"),
        ("4 four views / case 1", f"four_views/census_{t}", f"count_3tags/census_{t}", 2.5, "ratio"),
        ("5 no views, free fn", f"no_views/free_record_with_tags_{t}", None, 2.0, "ns"),
        ("5 no views, meter", f"no_views/meter_record_with_tags_{t}", None, 2.0, "ns"),
        ("5 tag context", f"tag_context/census_{t}", None, 40.0, "ns"),
    ]
    for name, census, otel in [
        ("count 3 tags", f"count_3tags/census_{t}", f"otel/counter_{t}"),
        ("distribution", f"dist_3tags/census_{t}", f"otel/histogram_{t}"),
        ("bound", f"bound/census_{t}", f"otel/counter_{t}"),
        ("four views", f"four_views/census_{t}", f"otel/histogram_{t}"),
        ("no views", f"no_views/free_record_with_tags_{t}", f"otel/counter_{t}"),
        ("tag context", f"tag_context/census_{t}", f"otel/counter_{t}"),
    ]:
        CHECKS.append((f"6 otel / census: {name}", census, otel, 5.0, "faster"))


def estimate(run: Path, bench: str, stat: str):
    try:
        est = json.loads((run / "criterion" / bench / "new" / "estimates.json").read_text())
    except (OSError, ValueError):
        return None
    e = est.get(stat) or est.get("median")
    return e["point_estimate"] if e else None


def cpu_share(run: Path, bench: str):
    try:
        return float((run / "criterion" / bench / "cpu_share.txt").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def table(header, rows, markdown):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    if markdown:
        fmt = lambda r: "| " + " | ".join(f"{str(c):<{w}}" for c, w in zip(r, widths)) + " |"
        print(fmt(header))
        print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    else:
        fmt = lambda r: "  ".join(f"{str(c):<{w}}" for c, w in zip(r, widths)).rstrip()
        print(fmt(header))
    for r in rows:
        print(fmt(r))


def check(run: Path, stat: str, num: str, den, limit, kind):
    """(shown value, status) of one check in one run."""
    n = estimate(run, num, stat)
    d = estimate(run, den, stat) if den else None
    if n is None or (den and d is None):
        return "n/a", "n/a"
    if kind == "ns":
        shown, ok = f"{n:.2f} ns", n <= limit
    elif kind == "faster":
        shown, ok = f"{d / n:.1f}x", d / n >= limit
    else:
        shown, ok = f"{n / d:.2f}x", (n / d <= limit) if limit else None
    status = "-" if ok is None else ("met" if ok else "MISSED")
    shares = [cpu_share(run, b) for b in (num, den) if b and b.endswith("_2t")]
    if any(s is not None and s < CONCURRENT for s in shares):
        status += " *"
    return shown, status


def main(argv):
    stat, markdown, runs = "median", False, []
    it = iter(argv)
    for a in it:
        if a == "--markdown":
            markdown = True
        elif a == "--stat":
            stat = next(it)
        else:
            runs.append(Path(a))
    if not runs:
        here = Path(__file__).resolve().parent
        runs = [Path(os.environ.get("CARGO_TARGET_DIR", here.parent.parent / "target"))]

    benches = sorted({p.parent.parent.relative_to(run / "criterion").as_posix()
                      for run in runs
                      for p in (run / "criterion").glob("*/*/new/estimates.json")
                      if p.parts[-4] in GROUPS})
    if not benches:
        sys.exit(f"no criterion estimates under {[str(r) for r in runs]}: run the benches first")
    many = len(runs) > 1
    tag = lambda i: f" (run {i + 1})" if many else ""

    print(f"Absolute times: {stat}, ns per operation per thread; CPU share of 2-thread benches\n")
    header = ["bench"] + [h for i in range(len(runs)) for h in (f"ns{tag(i)}", f"cpu share{tag(i)}")]
    rows = []
    for b in benches:
        row = [b]
        for run in runs:
            v, s = estimate(run, b, stat), cpu_share(run, b)
            row += ["n/a" if v is None else f"{v:.2f}", "" if s is None else f"{s:.2f}"]
        rows.append(row)
    table(header, rows, markdown)

    print("\nRatios and targets\n")
    header = ["check", "thr", "target"] + [h for i in range(len(runs)) for h in (f"value{tag(i)}", f"status{tag(i)}")]
    rows = []
    for name, num, den, limit, kind in CHECKS:
        if limit is None:
            target = "(info)"
        else:
            target = {"ns": f"<= {limit:g} ns", "faster": f">= {limit:g}x"}.get(kind, f"<= {limit:g}x")
        row = [name, num.rsplit("_", 1)[-1], target]
        for run in runs:
            row += list(check(run, stat, num, den, limit, kind))
        rows.append(row)
    table(header, rows, markdown)
    for i, run in enumerate(runs):
        statuses = [check(run, stat, *c[1:])[1] for c in CHECKS]
        judged = [s for s in statuses if s.split()[0] in ("met", "MISSED")]
        missed = sum(s.startswith("MISSED") for s in judged)
        flagged = sum(s.endswith("*") for s in judged)
        print(f"\n{run}: {missed} of {len(judged)} targets missed ({flagged} rows marked *)", end="")
    print()
    print(f"* a 2-thread bench of that row mostly time-shared one core (CPU share < {CONCURRENT}):"
          " the host was busy, so it measured no contention.")


if __name__ == "__main__":
    main(sys.argv[1:])
