"""Scale benchmark: a network-sized audit scored by labelaudit, against a columnar baseline.

It generates, deterministically (fixed seed, standard library only), a scheme folder and an
audit with `--sites` sites, a customer survey export of `--customers` rows (site column and
`--items` agree-scale items, UTF-8, comma) and an employee export of `--employees` rows. Then it
times, each run in its own subprocess so that its peak memory (ru_maxrss) is its own:

- the baseline: DuckDB and/or Polars (whichever is installed) reading the same CSVs and
  computing the same aggregates, the count of every answer value per site and per item;
- labelaudit: the `labelaudit score` command (reading both exports, tallying, validating every
  answer and scoring: the whole decision, with its intervals, the record written and the summary
  printed), then `whatif` and `verify` on the same audit, and `labelaudit --help`.

Every measure is a whole process, timed from its start to its exit, as a user runs it: the
interpreter, the imports, the reading and the counting for the baselines; the `labelaudit`
command (`score`, then `whatif` and `verify` on the same network) for labelaudit. Several sizes
(`--sizes`) show whether peak memory grows with the number of responses; `--xlsx` measures the
same networks with the customer export as an XLSX workbook. The ratios are labelaudit's `score`
over the fastest baseline, and each other command over `score`.

    .venv/bin/python bench/benchmark.py                                  # 100k and 1M customer rows
    .venv/bin/python bench/benchmark.py --sizes 100000,1000000,10000000 --repeat 1 --xlsx

The generation needs only the standard library. The baselines need DuckDB (the `bench` extra,
`pip install -e ".[bench]"`) or Polars (a labelaudit dependency); each is run when installed.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import importlib.util
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


def write_xlsx_survey(csv_path: Path, xlsx_path: Path) -> None:
    """The same export as an XLSX workbook (one sheet, header row first), written in streaming mode."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Réponses")
    with csv_path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            cells = line.rstrip("\n").split(",")
            sheet.append(cells if number == 0 else [c if not c.isdigit() else int(c) for c in cells])
    workbook.save(xlsx_path)


def use_xlsx(audit: Path) -> None:
    """Point the audit's customer source at the XLSX copy of its export."""
    toml = audit / "audit.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('files = ["surveys/customers.csv"]', 'files = ["surveys/customers.xlsx"]\nsheet = "Réponses"'),
                    encoding="utf-8")


# --- The measured runs: whole processes, as a user runs them ----------------------------------

# Each baseline is a whole Python process, started and timed as a user runs a script: the
# interpreter, the library's import, reading both exports and counting every answer per site,
# item and value. labelaudit is timed the same way: the `labelaudit` command from start to exit.
DUCKDB = r"""
import sys, duckdb
con = duckdb.connect()
groups = 0
for file, site in (("customers.csv", "Agence"), ("employees.csv", "Site")):
    path = sys.argv[1] + "/surveys/" + file
    groups += len(con.sql(
        f"SELECT \"{site}\" AS site, item, value, count(*) AS n "
        f"FROM (UNPIVOT (SELECT * FROM read_csv('{path}', all_varchar = true, header = true)) "
        f"ON COLUMNS(* EXCLUDE (\"{site}\")) INTO NAME item VALUE value) GROUP BY ALL").fetchall())
print(groups)
"""
POLARS = r"""
import sys, polars as pl
groups = 0
for file, site in (("customers.csv", "Agence"), ("employees.csv", "Site")):
    frame = (pl.scan_csv(sys.argv[1] + "/surveys/" + file, infer_schema=False)
             .unpivot(index=site, variable_name="item", value_name="value").drop_nulls("value")
             .group_by(site, "item", "value").len().collect(engine="streaming"))
    groups += len(frame.rows())
print(groups)
"""
CALAMINE = r"""
import sys, polars as pl
customers = pl.read_excel(sys.argv[1] + "/surveys/customers.xlsx", sheet_name="Réponses", engine="calamine",
                          infer_schema_length=0)
groups = len(customers.unpivot(index="Agence", variable_name="item", value_name="value").drop_nulls("value")
             .group_by("Agence", "item", "value").len().rows())
employees = (pl.scan_csv(sys.argv[1] + "/surveys/employees.csv", infer_schema=False)
             .unpivot(index="Site", variable_name="item", value_name="value").drop_nulls("value")
             .group_by("Site", "item", "value").len().collect(engine="streaming"))
print(groups + len(employees.rows()))
"""


def commands(kind: str, audit: Path) -> list[str]:
    """The command line of one measured run."""
    work = audit.parent
    rulesets = ["--rulesets", str(work / "rulesets")]
    record = str(work / "record.json")
    labelaudit = [sys.executable, "-m", "labelaudit"]
    return {
        "duckdb": [sys.executable, "-c", DUCKDB, str(audit)],
        "polars": [sys.executable, "-c", POLARS, str(audit)],
        "calamine": [sys.executable, "-c", CALAMINE, str(audit)],
        "score": [*labelaudit, "score", str(audit), "-o", record, "--force", *rulesets],
        "check": [*labelaudit, "check", str(audit), *rulesets],
        "whatif": [*labelaudit, "whatif", str(audit), "--source-weight", "customer=2", *rulesets],
        "verify": [*labelaudit, "verify", record, str(audit), *rulesets],
        "help": [*labelaudit, "--help"],
    }[kind]


def measure(kind: str, audit: Path) -> tuple[float, float]:
    """Run one whole process; returns (wall seconds from start to exit, its own peak RSS in MB)."""
    env = {**os.environ, "LABELAUDIT_LANG": "fr"}
    started = time.perf_counter()
    child = subprocess.Popen(commands(kind, audit), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 3 if kind == "verify" else 0):
        raise SystemExit(f"{kind} failed (exit {code}): {errors.decode(errors='replace')[-2000:]}")
    peak = usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / 1024 / 1024
    return seconds, peak


# --- Main --------------------------------------------------------------------------------------


def sizes_of(text: str) -> list[int]:
    try:
        sizes = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected customer row counts separated by commas, got {text!r}") from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("expected at least one count of 1 or more")
    return sizes


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=sizes_of, default=[100_000, 1_000_000], metavar="N,N…",
                        help="customer responses of each network measured (default 100000,1000000)")
    parser.add_argument("--employee-ratio", type=int, default=10, metavar="R",
                        help="one employee response for R customer responses (default 10)")
    parser.add_argument("--sites", type=int, default=1_400, metavar="N", help="sites (default 1,400)")
    parser.add_argument("--items", type=int, default=25, metavar="N", help="customer items (default 25)")
    parser.add_argument("--employee-items", type=int, default=11, metavar="N", help="employee items, the last an NPS (default 11)")
    parser.add_argument("--repeat", type=int, default=3, metavar="N", help="timed runs of each; the median is shown (default 3)")
    parser.add_argument("--xlsx", action="store_true",
                        help="also measure each network (up to 1,048,575 rows) with its customer export as XLSX")
    parser.add_argument("--commands", default="score,whatif,verify", metavar="C,C…",
                        help="labelaudit commands timed besides score (default score,whatif,verify)")
    parser.add_argument("--out", type=Path, metavar="DIR", help="work folder (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    return parser.parse_args(argv)


def timed(kind: str, audit: Path, repeat: int) -> tuple[float, float]:
    runs = [measure(kind, audit) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    if args.items < 6:
        raise SystemExit("--items must be at least 6 (C05 is paired with the last item)")
    baselines = [name for name in ("duckdb", "polars") if importlib.util.find_spec(name) is not None]
    if not baselines:
        raise SystemExit("install duckdb or polars for the baseline: pip install -e '.[bench]'")
    ours = ["score", *[c for c in args.commands.split(",") if c and c != "score"]]
    out = args.out or Path(tempfile.mkdtemp(prefix="labelaudit-bench-"))
    print(f"work folder: {out}\nsites {args.sites}, customer items {args.items}, employee items "
          f"{args.employee_items}, runs per measure {args.repeat} (median wall seconds of whole processes, "
          f"max peak RSS)\n", flush=True)
    help_seconds, _ = timed("help", out, max(5, args.repeat))
    print(f"labelaudit --help: {help_seconds:.3f} s (median of {max(5, args.repeat)})\n", flush=True)
    results = []
    try:
        for customers in args.sizes:
            employees = max(1, customers // args.employee_ratio)
            work = out / f"n{customers}"
            started = time.perf_counter()
            audit = generate(work, customers, employees, args.sites, args.items, args.employee_items)
            size = sum(f.stat().st_size for f in (audit / "surveys").iterdir()) / 1e6
            print(f"generated {customers:,} customer + {employees:,} employee rows ({size:.0f} MB of CSV) "
                  f"in {time.perf_counter() - started:.1f} s", flush=True)
            results.append(run_network(audit, f"{customers:,} + {employees:,}", baselines, ours, args.repeat))
            if args.xlsx and customers < 1_048_576:
                started = time.perf_counter()
                write_xlsx_survey(audit / "surveys" / "customers.csv", audit / "surveys" / "customers.xlsx")
                use_xlsx(audit)
                print(f"  wrote the customer export as XLSX in {time.perf_counter() - started:.1f} s", flush=True)
                xlsx_baselines = ["calamine"] if importlib.util.find_spec("fastexcel") is not None else []
                if not xlsx_baselines:
                    print("  (no XLSX baseline: pip install fastexcel for polars' calamine reader)")
                results.append(run_network(audit, f"{customers:,} (XLSX) + {employees:,}", xlsx_baselines, ["score"],
                                           args.repeat))
            if not args.keep:
                shutil.rmtree(work)
    finally:
        if not args.keep and args.out is None:
            shutil.rmtree(out, ignore_errors=True)
    print()
    print(table(results, ours))
    return 0


def run_network(audit: Path, label: str, baselines: list[str], ours: list[str], repeat: int) -> dict[str, object]:
    row: dict[str, object] = {"label": label}
    for kind in (*baselines, *ours):
        row[kind] = timed(kind, audit, repeat)
        print(f"  {kind:<9} {row[kind][0]:7.2f} s  {row[kind][1]:6.0f} MB", flush=True)  # type: ignore[index]
    row["baselines"] = baselines
    return row


def table(results: list[dict[str, object]], ours: list[str]) -> str:
    """The Markdown table: wall seconds and peak RSS in MB of whole processes; score over the
    fastest baseline, the other commands over score."""
    head = ["responses (customer + employee)", "fastest baseline", "s", "score s", "× baseline", "score MB"]
    head += [f"{c} s (× score)" for c in ours if c != "score"]
    lines = ["| " + " | ".join(head) + " |", "|---|---|" + "---:|" * (len(head) - 2)]
    for row in results:
        names: list[str] = row["baselines"]  # type: ignore[assignment]
        score_s, score_mb = row["score"]  # type: ignore[misc]
        if names:
            fastest = min(names, key=lambda n: row[n][0])  # type: ignore[index]
            base = row[fastest][0]  # type: ignore[index]
            cells = [str(row["label"]), fastest, f"{base:.2f}", f"{score_s:.2f}", f"{score_s / base:.2f}×", f"{score_mb:.0f}"]
        else:
            cells = [str(row["label"]), "-", "-", f"{score_s:.2f}", "-", f"{score_mb:.0f}"]
        for command in ours:
            if command != "score":
                cells.append(f"{row[command][0]:.2f} ({row[command][0] / score_s:.2f}×)" if command in row else "-")  # type: ignore[index]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
