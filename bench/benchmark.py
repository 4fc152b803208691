"""Scale benchmark: a network-sized audit scored by labelaudit, against a columnar baseline.

It generates, deterministically (fixed seed, standard library only), a scheme folder and an
audit with `--sites` sites, a customer survey export of `--customers` rows (site column and
`--items` agree-scale items, UTF-8, comma) and an employee export of `--employees` rows. Then it
times, each run in its own subprocess so that its peak memory (ru_maxrss) is its own:

- the baseline: DuckDB and/or Polars (whichever is installed) reading the same CSVs and
  computing the same aggregates, the count of every answer value per site and per item;
- labelaudit: what `labelaudit score` does, i.e. `labelaudit.workflow.score_audit` on the audit
  (reading both exports, tallying, validating every answer and scoring: the whole decision, with
  its intervals), then writing the record and rendering the summary.

Both timings start after the interpreter and the libraries are imported. By default the run is
repeated at a tenth of the size (`--small`, employees scaled alike) to show that peak memory does
not grow with the number of responses. The ratios are labelaudit's time over the fastest baseline;
labelaudit's ingestion (up to the collected evidence) is shown apart from its whole run.

    .venv/bin/python bench/benchmark.py                       # 100k and 1M customer rows
    .venv/bin/python bench/benchmark.py --ingest-only --customers 3000000 --small 1000000

The generation needs only the standard library. The baselines need DuckDB (the `bench` extra,
`pip install -e ".[bench]"`) or Polars (a labelaudit dependency); each is run when installed.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

SEED = 2026
SCHEME_ID = "bench"
AGREE = ("1", "2", "3", "4", "5")
NO_ANSWER = "Ne sait pas"
PROFILES = 5  # answer distributions, from weak to strong sites
POOL = 4_000  # distinct answer rows generated per profile
CHUNK = 20_000  # rows written per write()


# --- Generation --------------------------------------------------------------------------------


def customer_items(count: int) -> list[str]:
    return [f"C{i:02d}" for i in range(1, count + 1)]


def employee_items(count: int) -> list[str]:
    return [f"E{i:02d}" for i in range(1, count + 1)]


def site_ids(count: int) -> list[str]:
    return [f"s{i:04d}" for i in range(1, count + 1)]


def site_name(site_id: str) -> str:
    return f"Agence {site_id[1:]}"


def text(fr: str, en: str) -> str:
    return f'{{ fr = "{fr}", en = "{en}" }}'


def write_scheme(folder: Path, items: list[str], eitems: list[str]) -> None:
    """A small scheme: agree5 customer items (the last is the expectation paired to C05), agree5
    employee items and an NPS item; requirements of four criteria each, a site gate."""
    labels = ["Pas du tout d'accord", "Plutôt pas d'accord", "Ni d'accord ni pas d'accord", "Plutôt d'accord",
              "Tout à fait d'accord"]
    english = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
    lines = [
        f'id = "{SCHEME_ID}"', 'version = "1.0.0"', f"title = {text('Banc de mesure', 'Benchmark')}",
        "max_points = 1000", "",
        "[policies]", f'no_answer = ["{NO_ANSWER}", "NSP", "Don\'t know"]', "",
        "[scales.agree5]", f"title = {text('Accord', 'Agreement')}",
    ]
    for value, (fr, en) in enumerate(zip(labels, english), start=1):
        lines += ["[[scales.agree5.points]]", f"value = {value}", f"label = {text(fr, en)}"]
    lines += ["", "[scales.nps11]", f"title = {text('Recommandation', 'Recommendation')}"]
    for value in range(11):
        lines += ["[[scales.nps11.points]]", f"value = {value}", f"label = {text(str(value), str(value))}"]
    lines += [
        "", "[sources.customer]", 'kind = "survey"', f"title = {text('Clients', 'Customers')}",
        'questionnaire = "customer"', "min_sample = 30",
        "", "[sources.employee]", 'kind = "survey"', f"title = {text('Collaborateurs', 'Employees')}",
        'questionnaire = "employee"', "min_sample = 15",
        "", "[questionnaires.customer]", f"title = {text('Clients', 'Customers')}",
    ]
    for key in items:
        lines += ["[[questionnaires.customer.items]]", f'key = "{key}"', 'scale = "agree5"',
                  f"text = {text(f'Question {key}', f'Question {key}')}"]
    lines += ["", "[questionnaires.employee]", f"title = {text('Collaborateurs', 'Employees')}"]
    for key in eitems:
        scale = "nps11" if key == eitems[-1] else "agree5"
        lines += ["[[questionnaires.employee.items]]", f'key = "{key}"', f'scale = "{scale}"',
                  f"text = {text(f'Question {key}', f'Question {key}')}"]
    lines += ["", "[[dimensions]]", 'id = "experience"', "weight = 2", f"title = {text('Expérience', 'Experience')}",
              "[[dimensions]]", 'id = "people"', "weight = 1", f"title = {text('Collaborateurs', 'People')}"]
    for level, points in (("engage", 500), ("confirme", 650), ("excellence", 800)):
        lines += ["[[levels]]", f'id = "{level}"', f"min_points = {points}", f"title = {text(level, level)}"]
    gates = (  # the gates of the bundled en16880 scheme that apply without an on-site grid
        ("no-unacceptable", 'scope = "unacceptable"\neffect = "cap"\nlevel = "engage"'),
        ("every-dimension", 'scope = "dimension"\nmin_percent = 40\neffect = "cap"\nlevel = "engage"'),
        ("customer-perception",
         'scope = "source"\ntarget = "customer"\nmin_percent = 50\neffect = "cap"\nlevel = "confirme"'),
        ("every-site", 'scope = "site"\nmin_percent = 45\neffect = "cap"\nlevel = "engage"'),
    )
    for gate, body in gates:
        lines += ["", "[[gates]]", f'id = "{gate}"', f"title = {text(gate, gate)}", body]
    (folder / "requirements").mkdir(parents=True, exist_ok=True)
    (folder / "scheme.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    bindings: list[tuple[str, str]] = []  # (source, binding block)
    expectation = items[-1]
    for index, key in enumerate(items[:-1]):
        if key == "C05":
            block = (f'source = "customer"\nitem = "C05"\nindicator = "gap"\npaired = "{expectation}"\n'
                     "floor = -1.5\ntarget = 0.5\nweight = 1")
        elif index % 2:
            block = f'source = "customer"\nitem = "{key}"\nindicator = "mean"\nfloor = 2.5\ntarget = 4.5\nweight = 1'
        else:
            block = f'source = "customer"\nitem = "{key}"\nindicator = "top2box"\nfloor = 0.4\ntarget = 0.9\nweight = 1'
        bindings.append(("experience", block))
    for key in eitems:
        if key == eitems[-1]:
            block = f'source = "employee"\nitem = "{key}"\nindicator = "nps"\nfloor = -20\ntarget = 40\nweight = 1'
        else:
            block = f'source = "employee"\nitem = "{key}"\nindicator = "mean"\nfloor = 2.5\ntarget = 4.5\nweight = 1'
        bindings.append(("people", block))
    for number, start in enumerate(range(0, len(bindings), 4), start=1):
        group = bindings[start:start + 4]
        body = [f'id = "r{number:02d}"', f'dimension = "{group[0][0]}"', "weight = 1",
                f"title = {text(f'Exigence {number}', f'Requirement {number}')}"]
        for offset, (_, block) in enumerate(group, start=1):
            body += ["", "[[criteria]]", f'id = "r{number:02d}.{offset}"', "weight = 1", "pyramid = 1",
                     f"title = {text('Critère', 'Criterion')}", "[[criteria.bindings]]", block]
        (folder / "requirements" / f"r{number:02d}.toml").write_text("\n".join(body) + "\n", encoding="utf-8")


def write_audit(folder: Path, sites: list[str], items: list[str], eitems: list[str]) -> None:
    lines = [
        'id = "BENCH-1"', f'scheme = "{SCHEME_ID}"', 'organisation = "Réseau national"',
        'scope = "Toutes les agences"', 'kind = "initial"', 'auditors = ["Banc de mesure"]', "", "[dates]", "decision = 2026-11-20", "",
    ]
    for site in sites:
        lines += ["[[sites]]", f'id = "{site}"', f'name = "{site_name(site)}"']
    lines += ["", "[sources.customer]", 'files = ["surveys/customers.csv"]', 'site_column = "Agence"',
              "[sources.customer.columns]"]
    lines += [f'"{key}" = "{key}"' for key in items]
    lines += ["", "[sources.employee]", 'files = ["surveys/employees.csv"]', 'site_column = "Site"',
              "[sources.employee.columns]"]
    lines += [f'"{key}" = "{key}"' for key in eitems]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "audit.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def answer_pool(rng: random.Random, profile: int, count: int, scales: Sequence[Sequence[str]]) -> list[str]:
    """`count` comma-joined answer rows of one profile: about 3% "no answer" and 2% blanks."""
    # Profile 0 leans to 3, profile PROFILES-1 to 5: sites differ, so scores and gates vary.
    rows = []
    for _ in range(count):
        cells = []
        for scale in scales:
            draw = rng.random()
            if draw < 0.02:
                cells.append("")
            elif draw < 0.05:
                cells.append(NO_ANSWER)
            else:
                top = len(scale) - 1
                centre = top * (0.55 + 0.1 * profile)
                point = round(rng.gauss(centre, top * 0.22))
                cells.append(scale[min(top, max(0, point))])
        rows.append(",".join(cells))
    return rows


def write_survey(path: Path, rng: random.Random, header: Sequence[str], site_values: Sequence[str],
                 profiles: Sequence[int], weights: Sequence[float], scales: Sequence[Sequence[str]], rows: int) -> None:
    pools = [answer_pool(rng, p, POOL, scales) for p in range(PROFILES)]
    cumulative = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(header) + "\n")
        done = 0
        while done < rows:
            size = min(CHUNK, rows - done)
            chosen = rng.choices(range(len(site_values)), cum_weights=cumulative, k=size)
            picks = [rng.randrange(POOL) for _ in range(size)]
            handle.write("".join(
                f"{site_values[s]},{pools[profiles[s]][p]}\n" for s, p in zip(chosen, picks)
            ))
            done += size


def generate(work: Path, customers: int, employees: int, sites: int, items: int, eitems: int) -> Path:
    """Write the scheme and the audit under `work`; returns the audit folder."""
    rng = random.Random(SEED)
    ids = site_ids(sites)
    citems, ekeys = customer_items(items), employee_items(eitems)
    write_scheme(work / "rulesets" / SCHEME_ID, citems, ekeys)
    audit = work / "audit"
    write_audit(audit, ids, citems, ekeys)
    profiles = [rng.randrange(PROFILES) for _ in ids]
    weights = [rng.lognormvariate(0, 0.6) for _ in ids]  # agencies of different sizes
    names = [site_name(s) for s in ids]
    write_survey(audit / "surveys" / "customers.csv", rng, ["Agence", *citems], names, profiles, weights,
                 [AGREE] * items, customers)
    nps = tuple(str(v) for v in range(11))
    write_survey(audit / "surveys" / "employees.csv", rng, ["Site", *ekeys], ids, profiles, weights,
                 [AGREE] * (eitems - 1) + [nps], employees)
    return audit


# --- The measured runs (each in its own subprocess) ----------------------------------------------


def run_duckdb(audit: Path) -> int:
    import duckdb

    start = time.perf_counter()
    groups = 0
    con = duckdb.connect()
    for file, site in (("customers.csv", "Agence"), ("employees.csv", "Site")):
        path = (audit / "surveys" / file).as_posix()
        rows = con.sql(
            f"SELECT \"{site}\" AS site, item, value, count(*) AS n "
            f"FROM (UNPIVOT (SELECT * FROM read_csv('{path}', all_varchar = true, header = true)) "
            f"ON COLUMNS(* EXCLUDE (\"{site}\")) INTO NAME item VALUE value) GROUP BY ALL"
        ).fetchall()
        groups += len(rows)
    report(start, groups=groups)
    return 0


def run_polars(audit: Path) -> int:
    import polars as pl

    start = time.perf_counter()
    groups = 0
    for file, site in (("customers.csv", "Agence"), ("employees.csv", "Site")):
        frame = (
            pl.scan_csv(audit / "surveys" / file, infer_schema=False)
            .unpivot(index=site, variable_name="item", value_name="value")
            .drop_nulls("value")
            .group_by(site, "item", "value")
            .len()
            .collect(engine="streaming")
        )
        groups += len(frame.rows())
    report(start, groups=groups)
    return 0


def run_labelaudit(audit: Path, score: bool = True) -> int:
    import datetime as dt

    from labelaudit import workflow
    from labelaudit.collect import collect, prepare
    from labelaudit.plugins import load_plugins
    from labelaudit.record import canonical_bytes, write_atomic
    from labelaudit.summary import render

    plugins = load_plugins()
    for name in ("polars", "labelaudit_surveys._collect"):  # imports are not what is measured
        if importlib.util.find_spec(name.split(".")[0]) is not None:
            __import__(name)
    rulesets = [audit.parent / "rulesets"]
    if not score:  # ingestion only: what `score_audit` does before scoring
        start = time.perf_counter()
        with workflow.without_gc_pauses():  # as `labelaudit check` runs
            collected = collect(prepare(audit, plugins, rulesets), plugins)
        report(start, ingest=time.perf_counter() - start, evidence=len(collected.evidence))
        return 0
    collected_at: list[float] = []

    def timed_collect(*args: object, **kwargs: object) -> object:  # marks the end of ingestion
        try:
            return collect(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            collected_at.append(time.perf_counter())

    workflow.collect = timed_collect  # type: ignore[assignment]
    start = time.perf_counter()
    # What `labelaudit score` does after parsing its options (cli.main pauses the cyclic garbage
    # collector around a command): score, write the record, summarise.
    with workflow.without_gc_pauses():
        scored = workflow.score_audit(audit, plugins, rulesets=rulesets, decided_on=dt.date(2026, 11, 20))
        write_atomic(audit.parent / "record.json", canonical_bytes(scored.record), overwrite=True)
        summary = render(scored.record, "fr")
    outcome = scored.record["outcome"]
    report(start, ingest=collected_at[0] - start, status=outcome["status"], level=outcome.get("level"),
           borderline=scored.decision.borderline, evidence=len(scored.collected.evidence), summary_lines=summary.count("\n"))
    return 0


def report(start: float, **facts: object) -> None:
    print(json.dumps({"seconds": time.perf_counter() - start, **facts}), flush=True)


CHILDREN = {
    "duckdb": run_duckdb,
    "polars": run_polars,
    "labelaudit": run_labelaudit,
    "labelaudit-ingest": lambda audit: run_labelaudit(audit, score=False),
}


def measure(kind: str, audit: Path) -> tuple[float, float, dict[str, object]]:
    """Run one measured child; returns (seconds, peak RSS in MB, what it reported)."""
    child = subprocess.Popen([sys.executable, __file__, "--child", kind, str(audit)], stdout=subprocess.PIPE)
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{kind} run failed (exit {child.returncode})")
    facts = json.loads(output.decode().strip().splitlines()[-1])
    peak = usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / 1024 / 1024
    return float(facts.pop("seconds")), peak, facts


# --- Main --------------------------------------------------------------------------------------


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000, metavar="N", help="customer responses (default 1,000,000)")
    parser.add_argument("--employees", type=int, default=100_000, metavar="N", help="employee responses (default 100,000)")
    parser.add_argument("--sites", type=int, default=1_400, metavar="N", help="sites (default 1,400)")
    parser.add_argument("--items", type=int, default=25, metavar="N", help="customer items (default 25)")
    parser.add_argument("--employee-items", type=int, default=11, metavar="N", help="employee items, the last an NPS (default 11)")
    parser.add_argument("--small", type=int, default=100_000, metavar="N",
                        help="also run at this many customer rows, employees scaled alike (default 100,000; 0: no)")
    parser.add_argument("--repeat", type=int, default=3, metavar="N", help="timed runs of each; the median is shown (default 3)")
    parser.add_argument("--out", type=Path, metavar="DIR", help="work folder (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--ingest-only", action="store_true",
                        help="time labelaudit's ingestion only (prepare and collect), not the scoring")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "AUDIT"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    if args.child:
        return CHILDREN[args.child[0]](Path(args.child[1]))
    if args.items < 6:
        raise SystemExit("--items must be at least 6 (C05 is paired with the last item)")
    baselines = [name for name in ("duckdb", "polars") if importlib.util.find_spec(name) is not None]
    if not baselines:
        raise SystemExit("install duckdb or polars for the baseline: pip install -e '.[bench]'")
    out = args.out or Path(tempfile.mkdtemp(prefix="labelaudit-bench-"))
    sizes = sorted({args.customers, *([args.small] if 0 < args.small < args.customers else [])})
    ours = "labelaudit-ingest" if args.ingest_only else "labelaudit"
    print(f"work folder: {out}\nsites {args.sites}, customer items {args.items}, employee items "
          f"{args.employee_items}, runs per measure {args.repeat} (median seconds, max peak RSS)\n", flush=True)
    results = []
    try:
        for customers in sizes:
            employees = args.employees * customers // args.customers
            work = out / f"n{customers}"
            started = time.perf_counter()
            audit = generate(work, customers, employees, args.sites, args.items, args.employee_items)
            size = sum(f.stat().st_size for f in (audit / "surveys").iterdir()) / 1e6
            print(f"generated {customers:,} customer + {employees:,} employee rows ({size:.0f} MB of CSV) "
                  f"in {time.perf_counter() - started:.1f} s", flush=True)
            row: dict[str, object] = {"customers": customers, "employees": employees}
            for kind in (*baselines, ours):
                runs = [measure(kind, audit) for _ in range(args.repeat)]
                row[kind] = (statistics.median(r[0] for r in runs), max(r[1] for r in runs))
                if kind == ours:
                    row["ingest"] = statistics.median(float(r[2]["ingest"]) for r in runs)  # type: ignore[arg-type]
                print(f"  {kind:<17} {row[kind][0]:7.2f} s  {row[kind][1]:6.0f} MB  {runs[-1][2]}", flush=True)
            results.append(row)
            if not args.keep:
                shutil.rmtree(work)
    finally:
        if not args.keep and args.out is None:
            shutil.rmtree(out, ignore_errors=True)
    print()
    print(table(results, baselines, ours))
    return 0


def table(results: list[dict[str, object]], baselines: list[str], ours: str) -> str:
    """The Markdown table: times in seconds, peak RSS in MB, ratios to the fastest baseline."""
    head = ["customer rows", "employee rows"]
    for name in baselines:
        head += [f"{name} s", f"{name} MB"]
    head += ["labelaudit ingest s", "ingest ratio"]
    if ours == "labelaudit":
        head += ["labelaudit ingest+score s", "total ratio"]
    head += ["labelaudit MB"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    for row in results:
        cells = [f"{row['customers']:,}", f"{row['employees']:,}"]
        for name in baselines:
            seconds, peak = row[name]  # type: ignore[misc]
            cells += [f"{seconds:.2f}", f"{peak:.0f}"]
        fastest = min(row[name][0] for name in baselines)  # type: ignore[index]
        seconds, peak = row[ours]  # type: ignore[misc]
        ingest = float(row["ingest"])  # type: ignore[arg-type]
        cells += [f"{ingest:.2f}", f"{ingest / fastest:.2f}×"]
        if ours == "labelaudit":
            cells += [f"{seconds:.2f}", f"{seconds / fastest:.2f}×"]
        cells += [f"{peak:.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
