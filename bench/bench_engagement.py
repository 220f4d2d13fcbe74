"""Heartbeats: queries and in-process p50 through the handler (SQLite), and throughput on MariaDB.

The MariaDB part runs bench/engagement_mysql.py in a subprocess (its own database, dropped after)
with 20 threads, each a learner whose injected clock moves 30 s per beat: no sleeps, and the
total credited must equal what the rules allow (no lost seconds).
"""
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from timing import median_ms

RUNS = 200
HERE = Path(__file__).resolve().parent


def run(report):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from webob import Request
    from workbench.runtime import WorkbenchRuntime

    from elsx import conf
    from elsx.engagement import clock

    conf.DEFAULTS["HEARTBEAT_RATE_LIMIT"] = 0  # measure the database, not the cache
    runtime = WorkbenchRuntime("bench-beats")
    block = runtime.get_block(runtime.parse_xml_string('<elsx_topic topic_id="child-sex-trafficking"/>'))
    state = {"now": clock.now()}
    undo = clock.use(lambda: state["now"])

    def beat():
        state["now"] += timedelta(seconds=30)
        response = runtime.handle(block, "heartbeat", Request.blank("/", method="POST", body=b"{}"))
        assert response.status_code == 200, response.body

    for _ in range(5):  # past the first beat and the first minute (rarer, dearer writes)
        beat()
    with CaptureQueriesContext(connection) as captured:
        beat()
    control = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT")
    queries = [q["sql"] for q in captured.captured_queries if not q["sql"].lstrip().upper().startswith(control)]
    # The workbench's demo user service reads the learner's profile itself; in the LMS the user comes with the request.
    own = [sql for sql in queries if "elsx_learnerprofile" not in sql]
    report("heartbeat handler: SQL queries of elsx (ordinary beat)", len(own), "queries", "<= 3")
    report("heartbeat handler: plus the demo user service's lookup", len(queries) - len(own), "queries", "")
    report("heartbeat handler, in-process, SQLite file (median)", median_ms(beat, RUNS, warmup=5), "ms",
           "<= 5 ms (SQLite's commit fsync dominates; MariaDB figure below)")
    conf.DEFAULTS["HEARTBEAT_RATE_LIMIT"] = 20  # as deployed: one cache incr per beat (LocMem here)
    report("heartbeat handler with the rate limit on, SQLite file (median)", median_ms(beat, RUNS, warmup=5), "ms",
           "")
    conf.DEFAULTS["HEARTBEAT_RATE_LIMIT"] = 0
    undo()

    env = dict(os.environ, ELSX_DB_ENGINE="mysql", ELSX_DB_NAME=f"elsx_bench_beats_{os.getpid()}")
    env.pop("ELSX_DB", None)
    done = subprocess.run([sys.executable, str(HERE / "engagement_mysql.py")], env=env, capture_output=True,
                          text=True, timeout=900, check=False)
    if done.returncode != 0:
        report("heartbeats on MariaDB", "not measured: " + (done.stderr.strip().splitlines() or ["?"])[-1][:120],
               "", "MariaDB at 127.0.0.1")
        return
    result = json.loads(done.stdout.strip().splitlines()[-1])
    report("heartbeat API, in-process, MariaDB, one learner (median)", result["p50_ms"], "ms", "<= 5 ms")
    report("heartbeats/s, 20 threads, MariaDB", result["per_second"], "beats/s", ">= 500/s")
    report("heartbeats sent, 20 threads, MariaDB", result["beats"], "beats", "")
    report("seconds credited / allowed by the rules, MariaDB", f"{result['credited']} / {result['allowed']}", "s",
           "equal (no lost seconds)")
