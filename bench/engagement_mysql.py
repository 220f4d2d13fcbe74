"""Run by bench_engagement.py with ELSX_DB_ENGINE=mysql: 20 threads of heartbeats; prints one JSON line."""
import json
import os
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elsx.demo.settings")

THREADS = 20
BEATS = 150  # per thread, after the first (which only starts the clock)


def main():
    import django
    name = os.environ["ELSX_DB_NAME"]
    import MySQLdb as driver
    admin = driver.connect(host=os.environ.get("ELSX_DB_HOST", "127.0.0.1"), user="root", passwd="")
    admin.cursor().execute(f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4")
    try:
        django.setup()
        import logging
        logging.getLogger("elsx").setLevel(logging.WARNING)
        from django.core.management import call_command
        call_command("migrate", verbosity=0)
        print(json.dumps(measure()))
    finally:
        admin.cursor().execute(f"DROP DATABASE IF EXISTS `{name}`")


def measure():
    from types import SimpleNamespace

    from django.db import connection

    from elsx import conf
    from elsx.curriculum import get_curriculum
    from elsx.engagement import api, clock
    from elsx.engagement.models import EngagementClock
    from elsx.models import TopicProgress

    conf.DEFAULTS["HEARTBEAT_RATE_LIMIT"] = 0
    local = threading.local()
    clock.use(lambda: local.now)
    course = "course-v1:ELSX+BENCH+beats"
    topics = get_curriculum().topics
    start = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    barrier = threading.Barrier(THREADS + 1)
    errors = []

    def worker(index):
        try:
            local.now = start
            who = SimpleNamespace(id=f"bench-{index}", is_anonymous=False, is_staff=False, full_name="",
                                  email="", username="")
            topic = topics[index % len(topics)]
            api.heartbeat(course, who, topic)  # starts the clock
            barrier.wait()
            for _ in range(BEATS):
                local.now += timedelta(seconds=30)
                api.heartbeat(course, who, topic)
        except Exception as exc:  # noqa: BLE001 - reported in the result
            errors.append(repr(exc))
            barrier.abort()
        finally:
            connection.close()

    # One learner alone first: the in-process median on this database.
    local.now = start
    solo = SimpleNamespace(id="bench-solo", is_anonymous=False, is_staff=False, full_name="", email="", username="")
    api.heartbeat(course, solo, topics[0])
    samples = []
    for _ in range(200):
        local.now += timedelta(seconds=30)
        began = time.perf_counter()
        api.heartbeat(course, solo, topics[0])
        samples.append((time.perf_counter() - began) * 1000)
    p50 = sorted(samples)[len(samples) // 2]
    EngagementClock.objects.filter(learner_id="bench-solo").delete()
    TopicProgress.objects.filter(learner_id="bench-solo").delete()
    threads = [threading.Thread(target=worker, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(errors[0])
    credited = sum(EngagementClock.objects.filter(course_key=course).values_list("seconds", flat=True))
    on_topics = sum(TopicProgress.objects.filter(course_key=course).values_list("engaged_seconds", flat=True))
    assert credited == on_topics, (credited, on_topics)
    beats = THREADS * BEATS
    return {"p50_ms": round(p50, 2), "per_second": round(beats / elapsed, 1), "beats": beats, "credited": credited,
            "allowed": THREADS * BEATS * 30}


if __name__ == "__main__":
    main()
