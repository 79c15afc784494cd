"""The gap waterfall: floating change bars, totals from a baseline near the lowest level, the y domain set."""

from __future__ import annotations

import pytest

from ui.waterfall import waterfall_baseline, waterfall_chart, waterfall_domain, waterfall_frame


def _bars(frame) -> list[tuple[str, float, float, str]]:
    return [(r["label"], float(r["y0"]), float(r["y1"]), r["kind"]) for r in frame.to_dict(orient="records")]


def test_big_totals_start_a_little_below_the_lowest_level() -> None:
    # levels 10,000 -> 10,300 -> 9,800 -> 9,700; spread 600, pad 0.25 x 600 = 150 below 9,700 = 9,550
    frame = waterfall_frame(["a", "b", "c"], [300.0, -500.0, -100.0], 10_000.0, 9_700.0, "previous", "actual")
    assert _bars(frame) == [
        ("previous", 9_550.0, 10_000.0, "total"),
        ("a", 10_000.0, 10_300.0, "up"),
        ("b", 10_300.0, 9_800.0, "down"),
        ("c", 9_800.0, 9_700.0, "down"),
        ("actual", 9_550.0, 9_700.0, "total"),
    ]
    assert list(frame["value"]) == [10_000.0, 300.0, -500.0, -100.0, 9_700.0]
    assert list(frame["order"]) == [0, 1, 2, 3, 4]
    assert frame.attrs["baseline"] == 9_550.0 > 0
    # the domain starts at the baseline; the top leaves 8% of the 750 span for labels: 10,300 + 60
    assert waterfall_domain(frame) == (9_550.0, 10_360.0)


def test_baseline_is_rounded_down_and_never_below_zero() -> None:
    # spread 80, pad 20 below 1,013 = 993, rounded down to a step of 5 (20 / 5 = 4 -> 5): 990
    assert waterfall_baseline([1_013.0, 1_093.0, 1_050.0]) == 990.0
    # all levels equal: 10% of the level below it
    assert waterfall_baseline([500.0, 500.0]) == 450.0
    # spread (60) at or above half of the lowest level (100 -> 50): start at 0
    assert waterfall_baseline([100.0, 160.0]) == 0.0
    assert waterfall_baseline([100.0, 149.0]) > 0


@pytest.mark.parametrize(("start", "changes", "end"), [
    (100.0, [300.0, -500.0], -100.0),  # a level below zero
    (0.0, [40.0, 10.0], 50.0),  # a level at zero
    (50.0, [-50.0, 20.0], 20.0),  # touches zero on the way
])
def test_baseline_is_zero_or_below_when_a_level_is_not_positive(start: float, changes: list[float],
                                                                 end: float) -> None:
    frame = waterfall_frame([f"c{i}" for i in range(len(changes))], changes, start, end, "s", "e")
    totals = frame[frame["kind"] == "total"]
    assert list(totals["y0"]) == [0.0, 0.0] and list(totals["y1"]) == [start, end]
    low, high = waterfall_domain(frame)
    lowest = min(0.0, start, end, *(start + sum(changes[: i + 1]) for i in range(len(changes))))
    assert low <= lowest <= 0.0 and high > max(frame["y1"].max(), frame["y0"].max())


def test_negative_levels_leave_room_below() -> None:
    # levels 100 -> 400 -> -100; span -100..400 = 500, room 8% = 40
    frame = waterfall_frame(["a", "b"], [300.0, -500.0], 100.0, -100.0, "s", "e")
    assert _bars(frame)[1:3] == [("a", 100.0, 400.0, "up"), ("b", 400.0, -100.0, "down")]
    assert waterfall_domain(frame) == (-140.0, 440.0)


def test_chart_spec_has_the_domain_and_clips() -> None:
    frame = waterfall_frame(["a", "b", "c"], [300.0, -500.0, -100.0], 10_000.0, 9_700.0, "previous", "actual")
    spec = waterfall_chart(frame, value_format=",.1f").to_dict()
    bars, text = spec["layer"]
    assert bars["mark"]["type"] == "bar" and bars["mark"]["clip"] is True
    y = bars["encoding"]["y"]
    assert y["field"] == "y0" and bars["encoding"]["y2"]["field"] == "y1"
    assert y["scale"]["domain"] == [9_550.0, 10_360.0] and y["scale"]["zero"] is False
    assert y["axis"]["format"] == ",.1f"
    assert text["encoding"]["y"]["scale"]["domain"] == [9_550.0, 10_360.0]
    rows = next(iter(spec["datasets"].values()))
    assert [(r["label"], r["y0"], r["y1"]) for r in rows][0] == ("previous", 9_550.0, 10_000.0)


def test_labels_and_contributions_must_match() -> None:
    with pytest.raises(ValueError):
        waterfall_frame(["a", "b"], [1.0], 10.0, 11.0, "s", "e")
