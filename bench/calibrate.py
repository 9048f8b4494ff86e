"""A yardstick for the benchmark's figures: a fixed, CPU-only loop of pure Python.

A page that takes 12 ms on one machine and 20 ms on a slower or busier one takes about the same
multiple of this loop on both, so the benchmark prints each figure also as a multiple of it
(README, "Benchmark"). The loop does what a request does most — build strings, fill and read
dicts, sort, call small functions — with no I/O, no allocation that grows, and no randomness
other than its own fixed sequence.
"""

import os
import time
from statistics import median

ROUNDS = 3
CHECKSUM = 25_817  # what the loop computes, on every machine: a changed loop is refused
_ITEMS = 20_000
_PASSES = 15  # about 0.3 s on the 2-core development machine


def _step(state: int) -> int:
    # A linear congruential generator: the same sequence on every machine and every run.
    return (state * 1_103_515_245 + 12_345) % 2_147_483_648


def _loop() -> int:
    state, checksum = 1, 0
    for _ in range(_PASSES):
        table: dict[str, int] = {}
        for index in range(_ITEMS):
            state = _step(state)
            key = f"comment-{state % 5_000}-{index % 7}"
            table[key] = table.get(key, 0) + len(key)
        ordered = sorted(table.items(), key=lambda item: (item[1], item[0]))
        checksum = (checksum + sum(value for _, value in ordered[:100])) % 1_000_003
        checksum ^= len("".join(key[-3:] for key, _ in ordered[:2_000]))
    return checksum


def calibrate(rounds: int = ROUNDS) -> dict:
    """Run the loop ``rounds`` times; its median in milliseconds (the unit figures are divided
    by), each run, and the load average (1 minute) when it started."""
    load = round(os.getloadavg()[0], 2)
    runs = []
    for _ in range(rounds):
        started = time.perf_counter()
        result = _loop()
        runs.append(round((time.perf_counter() - started) * 1000, 1))
        if result != CHECKSUM:
            raise RuntimeError("the calibration loop computed something else: it was changed")
    return {"ms": median(runs), "runs_ms": runs, "load_average": load}


def multiple(ms: float, calibration: dict) -> float:
    """``ms`` as a multiple of the calibration loop's time."""
    return round(ms / calibration["ms"], 4)
