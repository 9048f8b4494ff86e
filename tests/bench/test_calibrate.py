"""The calibration loop the benchmark divides its figures by."""

from bench import calibrate, report


def test_the_loop_runs_the_same_computation_and_reports_its_time_and_the_load():
    measured = calibrate.calibrate(rounds=2)
    assert len(measured["runs_ms"]) == 2 and measured["ms"] > 0
    assert min(measured["runs_ms"]) <= measured["ms"] <= max(measured["runs_ms"])
    assert measured["load_average"] >= 0


def test_a_figure_is_printed_as_a_multiple_of_the_loop():
    unit = {"ms": 250.0, "runs_ms": [250.0], "load_average": 1.5}
    assert calibrate.multiple(25.0, unit) == 0.1
    (line,) = report.calibration_lines({"start": unit, "end": unit | {"load_average": 2.25}})
    assert "250 ms at the start, 250 ms at the end" in line
    assert "load average 1.5 at the start, 2.25 at the end" in line
