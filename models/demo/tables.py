"""The sample data's tables — people's names, the coal-sector organisations with their units and
job titles, and the words of notes and meetings — read once from ``resources/demo`` (JSON, through
importlib.resources, so a one-file build finds them too).  A weighted table keeps the order of its
file, so the same seed draws the same names."""

from __future__ import annotations

import json
import random
from bisect import bisect
from collections.abc import Mapping, Sequence
from importlib.resources import files
from itertools import accumulate
from typing import Any

from models.store.entities import Sex

Weighted = tuple[tuple[str, float], ...]  # (value, weight), in the file's order
# A unit: (name, how many of that name (0: just one), weight among men, weight among women,
#          job titles for men, job titles for women).
Unit = tuple[str, int, float, float, Weighted, Weighted]


def _load(name: str) -> Any:
    return json.loads(files("resources").joinpath("demo").joinpath(f"{name}.json")
                      .read_text(encoding="utf-8"))


def _weighted(table: Mapping[str, float]) -> Weighted:
    return tuple((value, float(weight)) for value, weight in table.items())


def _unit(raw: Mapping[str, Any]) -> Unit:
    return (raw["name"], int(raw["numbered"]), float(raw["weight_men"]),
            float(raw["weight_women"]), _weighted(raw["jobs_men"]), _weighted(raw["jobs_women"]))


_NAMES = _load("names")
_WORKPLACES = _load("workplaces")
_TEXTS = _load("texts")

ETHNICITY = _weighted(_NAMES["ethnicity"])
FAMILY = {ethnicity: _weighted(t) for ethnicity, t in _NAMES["family"].items()}
MIDDLE = {Sex(sex): _weighted(t) for sex, t in _NAMES["middle"].items()}
SECOND_MIDDLE = {Sex(sex): _weighted(t) for sex, t in _NAMES["second_middle"].items()}
GIVEN = {Sex(sex): _weighted(t) for sex, t in _NAMES["given"].items()}
# (company, parent organisation, kind of unit, address, weight): Than Mạo Khê is in the ward
ORGS: tuple[tuple[str, str, str, str, float], ...] = tuple(
    (o["company"], o["parent"], o["kind"], o["address"], float(o["weight"]))
    for o in _WORKPLACES["organisations"])
_OFFICES = tuple(_unit(u) for u in _WORKPLACES["offices"])
UNITS: dict[str, tuple[Unit, ...]] = {
    kind: (*(_unit(u) for u in units), *_OFFICES) for kind, units in _WORKPLACES["units"].items()}
EXCUSE_REASONS = _weighted(_TEXTS["excuse_reasons"])
OTHER_PLACES: tuple[str, ...] = tuple(_TEXTS["other_places"])
EXCUSED_NOTES: tuple[str, ...] = tuple(_TEXTS["excused_notes"])
RESIDENT_TOPICS: tuple[str, ...] = tuple(_TEXTS["resident_topics"])  # one per quarter
THEMATIC_TITLES: tuple[str, ...] = tuple(_TEXTS["thematic_titles"])  # one per year, in turn


class Choice:
    """A weighted choice from a table, drawn with the caller's generator."""

    def __init__(self, table: Sequence[tuple[str, float]]) -> None:
        self.values = [v for v, _ in table]
        self.cumulative = list(accumulate(w for _, w in table))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> str:
        return self.values[bisect(self.cumulative, rng.random() * self.total)]
