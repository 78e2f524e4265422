"""Where a push spends its time on the server: py-spy samples the gunicorn workers during the phones bench.

    .venv/bin/pip install py-spy
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python -m bench.profile_push [--phones 8] [--batches 15] [--top 25]

py-spy (a sampling profiler, run from outside the process) records every thread of both
workers while the phones push (bench/phones.py). The summary lists, for the functions that
matter, the share of the workers' samples spent inside them (inclusive), and the leaf
functions where the samples landed (exclusive), so "where did the time go" has an answer in
numbers. Idle samples (threads waiting for a request) are left out. The raw collapsed stacks
stay in bench/out/push-profile.txt (open them in speedscope or flamegraph.pl).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import text

from webapp.extensions import db

from .common import backends, bench_app, fresh_database
from .county import generate, teacher_name
from .phones import push_at_once
from .push import make_batches
from .server import serve

OUT = Path(__file__).resolve().parent / "out" / "push-profile.txt"
# Frames of a thread that waits for work: not the push's time.
IDLE = ("select (selectors.py", "wait (threading.py", "accept (socket.py", "_wait_for_tstate_lock", "sleep (gunicorn",
        "run_for_one", "murder_keepalived", "handle_exit", "poll (selectors.py")
WATCHED = (
    "full_dispatch_request", "_load_user", "push (webapp/sync/engine.py",
    # the set-wise engine
    "_checked (webapp/sync/engine.py", "content_hash", "lock_records", "stored_hashes", "_store_group",
    "prepare_student_checks", "prepare_staff_checks", "scoped_by_id", "current_settings", "insert_envelopes",
    "insert_rows", "_store_one",
    # the tallies (issue 9 item 4), settled after each group
    "settle (webapp/health/tallies.py", "_lock (webapp/health/tallies.py", "_add (webapp/health/tallies.py",
    # the per-record engine before it
    "push_one (webapp/sync/engine.py", "_store (webapp/sync/engine.py", "apply_student_check", "begin_nested",
    # the database driver
    "do_execute", "Connection.wait (psycopg", "commit (sqlalchemy",
)


def summarize_file(path: Path, top: int = 25) -> str:
    """The summary of a raw collapsed-stacks file written by an earlier run."""
    stacks = Counter()
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks[stack] += int(count)
    return summary(stacks, top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_push", description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=8)
    parser.add_argument("--batches", type=int, default=15)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--county", type=float, default=0, metavar="SCALE",
                        help="profile a county's day instead (bench/leaders.py: everyone's two checks pushed as "
                             "the county admin) at this scale, e.g. 0.1 = 40,000 records")
    args = parser.parse_args(argv)
    if not shutil.which("py-spy", path=str(Path(sys.executable).parent)) and not shutil.which("py-spy"):
        print("py-spy is not installed: .venv/bin/pip install py-spy", file=sys.stderr)
        return 2
    backend = backends()[-1]  # PostgreSQL when BENCH_DATABASE_URL is set
    if args.county:
        return county_day(backend, args)
    with fresh_database(backend, "profile") as url:
        with bench_app(url):
            county = generate(db.session, scale=0, days=0)
            classes = [county.students[class_id] for class_id, _ in county.classes[:args.phones]]
            bodies = [make_batches(students, args.batches, 100) for students in classes]
        with serve(url) as server:
            samples = record(server, lambda: push_at_once(server, [teacher_name(n) for n in range(args.phones)],
                                                          bodies))
    print(summary(samples, args.top))
    return 0


def county_day(backend, args) -> int:
    """The county's day of bench/leaders.py at `args.county`, the workers sampled."""
    from .leaders import _day_bodies
    with fresh_database(backend, "profile") as url:
        with bench_app(url):
            county = generate(db.session, scale=args.county, days=0)
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            bodies = _day_bodies(county, args.phones)
        with serve(url) as server:
            samples = record(server, lambda: push_at_once(server, ["county"] * args.phones, bodies))
    print(summary(samples, args.top))
    return 0


def record(server, work) -> Counter:
    """Run `work` while py-spy samples the server's processes; the collapsed stacks and their counts."""
    OUT.parent.mkdir(parents=True, exist_ok=True)
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or "py-spy"
    sampler = subprocess.Popen([spy, "record", "--pid", str(server.pid), "--subprocesses", "--rate", "200",
                                "--format", "raw", "--output", str(OUT), "--nonblocking"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(2)  # py-spy attaches
    result = work()
    print(f"pushed {result['records']} records at {result['records_per_s']} records/s, "
          f"p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms", flush=True)
    sampler.send_signal(2)  # SIGINT: py-spy writes its file and exits
    sampler.wait(timeout=60)
    stacks = Counter()
    for line in OUT.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks[stack] += int(count)
    return stacks


def summary(stacks: Counter, top: int) -> str:
    """Inclusive shares of the watched functions and the top leaf functions, over the busy samples."""
    busy = Counter({stack: n for stack, n in stacks.items() if not any(idle in stack for idle in IDLE)})
    total = sum(busy.values()) or 1
    lines = [f"{total} busy samples of the workers (idle threads left out)", "", "inclusive share of the busy time:"]
    for name in WATCHED:
        inside = sum(n for stack, n in busy.items() if name in stack)
        if inside:
            lines.append(f"  {100 * inside / total:5.1f} %  {name}")
    leaves = Counter()
    for stack, n in busy.items():
        leaves[_short(stack.split(";")[-1])] += n
    lines += ["", f"top {top} leaf functions (exclusive):"]
    lines += [f"  {100 * n / total:5.1f} %  {leaf}" for leaf, n in leaves.most_common(top)]
    return "\n".join(lines)


def _short(frame: str) -> str:
    """`name (path/to/site-packages/pkg/mod.py:12)` → `name (pkg/mod.py)`."""
    name, _, where = frame.partition(" (")
    where = where.rstrip(")").split("site-packages/")[-1].split("/engine9/")[-1]
    return f"{name} ({where.rsplit(':', 1)[0]})"


if __name__ == "__main__":
    sys.exit(main())
