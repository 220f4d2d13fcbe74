"""Timing helpers shared by the bench modules."""
import statistics
import time


def median_ms(func, runs, warmup=0, clock=time.perf_counter):
    """Median milliseconds of func() over runs calls, after warmup untimed calls."""
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(runs):
        started = clock()
        func()
        samples.append((clock() - started) * 1000)
    return statistics.median(samples)
