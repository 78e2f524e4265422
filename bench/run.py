"""Run the benchmarks: `python -m bench.run` (or `make bench`); see bench/README.md.

Prints one table per bench and writes every number to bench/out/latest.json. PostgreSQL is
measured too when BENCH_DATABASE_URL is set (a database is created for the run and dropped).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from . import day, exports, goals, leaders, phones, push, supplies, weight
from .common import Backend, backends

OUT = Path(__file__).resolve().parent / "out" / "latest.json"
BENCHES = ("push", "phones", "leaders", "day", "weight", "supplies", "exports")


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="all",
                        help=f"comma-separated benches to run, of {', '.join(BENCHES)}, or all (default: all; "
                             "make bench runs phones,leaders: every goal of issue 9)")
    parser.add_argument("--scale", type=_positive, default=0.1,
                        help="county size for the day bench; 1.0 = 200,000 students in ~5,000 classes (default 0.1)")
    parser.add_argument("--county-scale", type=_positive, default=1.0,
                        help="county size for the leaders and exports benches (PostgreSQL only; default 1.0: 200,000 students)")
    parser.add_argument("--county-days", type=int, choices=range(1, 121), default=60, metavar="1-120",
                        help="days of tallies and reports in the leaders bench, ending today (default 60)")
    parser.add_argument("--days", type=int, choices=range(1, 31), default=1, metavar="1-30",
                        help="days of checks in the county, ending with this morning (default 1)")
    parser.add_argument("--repeat", type=int, choices=range(1, 21), default=3, metavar="1-20",
                        help="runs of each day measure (default 3)")
    parser.add_argument("--batches", type=int, choices=range(1, 1001), default=20, metavar="1-1000",
                        help="push batches per pass (default 20)")
    parser.add_argument("--batch-size", type=int, choices=range(1, 501), default=500, metavar="1-500",
                        help="records per push batch; the server takes at most 500 (default 500)")
    parser.add_argument("--workers", type=int, choices=range(1, 17), default=2, metavar="1-16",
                        help="processes pushing at once in the parallel pass; 1 skips it (default 2)")
    parser.add_argument("--phones", type=int, choices=range(1, 16), default=8, metavar="1-15",
                        help="phones pushing at once through gunicorn in the phones bench (default 8)")
    parser.add_argument("--phone-batches", type=int, choices=range(1, 1001), default=15, metavar="1-1000",
                        help="batches of 100 health checks each phone sends (default 15)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write the JSON (default {OUT})")
    args = parser.parse_args(argv)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    if args.only == ["all"]:
        args.only = list(BENCHES)
    unknown = sorted(set(args.only) - set(BENCHES))
    if unknown:
        parser.error(f"unknown bench {', '.join(unknown)}; choose from {', '.join(BENCHES)}")
    return args


def _positive(value: str) -> float:
    number = float(value)
    if not 0 < number <= 10:
        raise argparse.ArgumentTypeError("the scale must be above 0 and at most 10")
    return number


def machine() -> dict:
    """What the numbers were measured on (the machine may be busy with other work: see the load)."""
    meminfo = Path("/proc/meminfo")
    memory = next((int(line.split()[1]) // 1024 for line in meminfo.read_text().splitlines()
                   if line.startswith("MemTotal")), None) if meminfo.exists() else None
    return {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "cpus": os.cpu_count(),
            "memory_mib": memory, "load_average": [round(x, 2) for x in os.getloadavg()],
            "platform": platform.platform(), "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "postgresql": _pg_version(), "commit": _commit()}


def _pg_version() -> str | None:
    if not os.environ.get("BENCH_DATABASE_URL"):
        return None
    from sqlalchemy import create_engine, text

    engine = create_engine(os.environ["BENCH_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return conn.scalar(text("SHOW server_version"))
    finally:
        engine.dispose()


def _commit() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parent, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def each_backend(bench: Callable[[Backend], dict], report: Callable[[list[dict]], str]) -> list[dict]:
    """Run a bench on each database, printing its table as soon as it is done (a large scale takes a while)."""
    results = []
    for backend in backends():
        results.append(bench(backend))
        if results[-1]:  # a PostgreSQL-only bench answers None on SQLite: no empty table
            print(report(results[-1:]), flush=True)
    return results


def _reachable_postgresql() -> None:
    """Forget BENCH_DATABASE_URL when no PostgreSQL answers there (make bench sets the local one by
    default): the bench then runs on SQLite only, and says so."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001  (any failure to connect: no PostgreSQL here)
        print(f"No PostgreSQL at BENCH_DATABASE_URL ({type(error).__name__}): SQLite only; "
              "the goals of issue 9 are PostgreSQL's and stay unmeasured", file=sys.stderr)
        del os.environ["BENCH_DATABASE_URL"]
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    _reachable_postgresql()
    started = time.perf_counter()
    results: dict = {"machine": machine(), "settings": {k: v for k, v in vars(args).items() if k != "out"}}
    print(f"Shaodian bench on {results['machine']['cpus']} CPUs, load {results['machine']['load_average']}, "
          f"databases: {', '.join(b.name for b in backends())}", flush=True)
    if "push" in args.only:
        results["push"] = each_backend(lambda b: push.run(b, args.batches, args.batch_size, args.workers), push.report)
    if "phones" in args.only:
        results["phones"] = each_backend(lambda b: phones.run(b, args.phones, args.phone_batches), phones.report)
    if "leaders" in args.only:
        results["leaders"] = each_backend(lambda b: leaders.run(b, args.county_scale, args.county_days, args.phones),
                                          leaders.report)
    if "day" in args.only:
        results["day"] = each_backend(lambda b: day.run(b, args.scale, args.days, args.repeat), day.report)
    if "supplies" in args.only:
        results["supplies"] = each_backend(lambda b: supplies.run(b, max(args.scale, 1.0), args.repeat),
                                           supplies.report)
    if "exports" in args.only:
        results["exports"] = each_backend(lambda b: exports.run(b, args.county_scale, args.repeat), exports.report)
    if "weight" in args.only:
        results["weight"] = weight.run()
        print(weight.report(results["weight"]), flush=True)
    results["goals"] = goals.collect(results)
    results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    print(goals.report(results["goals"], (results["machine"]["load_average"][0],
                                          results["machine"]["load_average_end"][0])), flush=True)
    results["seconds"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    goals_file = args.out.with_suffix(".goals.json")  # the goals table alone, with the machine it ran on
    goals_file.write_text(json.dumps({"machine": results["machine"], "seconds": results["seconds"],
                                      "goals": results["goals"]}, indent=1, ensure_ascii=False, default=str) + "\n",
                          encoding="utf-8")
    print(f"\n{results['seconds']} s; results in {args.out} and {goals_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
