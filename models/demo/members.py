"""The sample members: each member's row and dated life (received, moved, excused, gone), drawn
in a fixed order from the one random generator."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from models.demo.common import (
    ADDRESS_TAIL,
    CELL_COUNT,
    CELL_WEIGHTS,
    FIRST_RECEIVED,
    SET_UP_AT,
    SPECIAL_NAME,
    Row,
    new_uuid,
    randint,
    stamp,
)
from models.demo.schedule import clear_day
from models.demo.tables import (
    ETHNICITY,
    EXCUSE_REASONS,
    FAMILY,
    GIVEN,
    MIDDLE,
    ORGS,
    OTHER_PLACES,
    SECOND_MIDDLE,
    UNITS,
    Choice,
    Weighted,
)
from models.formats import format_date
from models.register.rules import MemberInput, validate_member
from models.register.service import Lifecycle, new_member_row
from models.store.entities import MemberStatus, Sex
from models.text import vntext


@dataclass
class Life:
    """The dated facts of one member, as day ordinals; periods are [start, end), None = open."""

    received: int
    closed: int | None = None
    stints: list[tuple[int, int, int | None]] = field(default_factory=list)  # cell, start, end
    excused: tuple[int, int | None] | None = None
    closing: tuple[MemberStatus, str] | None = None  # the closing status and its reason
    excuse_reason: str = ""
    present_below: float = 0.75  # attendance: random() below this -> present
    excused_below: float = 0.9  # ... below this -> excused absence, else absent


class Generator:
    """Draws everything from one random generator, in a fixed order."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.ethnicity = Choice(ETHNICITY)
        self.family = {ethnicity: Choice(table) for ethnicity, table in FAMILY.items()}
        self.middle = {sex: Choice(table) for sex, table in MIDDLE.items()}
        self.second = {sex: Choice(table) for sex, table in SECOND_MIDDLE.items()}
        self.given = {sex: Choice(table) for sex, table in GIVEN.items()}
        self.orgs = Choice([(str(i), o[4]) for i, o in enumerate(ORGS)])
        # per kind of organisation: its units, and a choice of unit index for men / for women
        self.units = {
            kind: (units, {Sex.MALE: Choice([(str(i), u[2]) for i, u in enumerate(units)]),
                           Sex.FEMALE: Choice([(str(i), u[3]) for i, u in enumerate(units)])})
            for kind, units in UNITS.items()}
        self.jobs: dict[Weighted, Choice] = {}
        self.cells = Choice([(str(i), w) for i, w in enumerate(CELL_WEIGHTS)])
        self.excuse = Choice(EXCUSE_REASONS)
        self.used: dict[str, set[str]] = {"cid": set(), "phone": set(), "card": set(),
                                          "file": set()}
        self.people: set[tuple[str, date]] = set()  # (name key, birth date): no false duplicates
        self.letters: dict[tuple[int, int], set[int]] = {}  # (organisation, year): numbers
        self.letter_top: dict[tuple[int, int], int] = {}  # highest number past 600
        self.names: dict[str, tuple[str, str, str]] = {}

    def unique(self, kind: str, make: Callable[[], str]) -> str:
        seen = self.used[kind]
        value = make()
        while value in seen:
            value = make()
        seen.add(value)
        return value

    def digits(self, count: int) -> str:
        return f"{randint(self.rng, 0, 10 ** count - 1):0{count}d}"

    def full_name(self, sex: Sex, ethnicity: str = "Kinh") -> str:
        """A plausible name: mostly 3 words, some 4, a few 2; never the one special member."""
        rng = self.rng
        while True:
            family = self.family[ethnicity].pick(rng)
            given = self.given[sex].pick(rng)
            shape = rng.random()
            if shape < 0.01:
                words = [family, given]
            else:
                middle = self.middle[sex].pick(rng)
                words = [family, middle, given]
                double = 0.22 if middle == "Thị" else 0.05
                if shape > 1 - double:
                    words.insert(2, self.second[sex].pick(rng))
            if len(set(words[1:])) == len(words) - 1 and " ".join(words) != SPECIAL_NAME:
                return " ".join(words)

    def name_keys(self, raw: str) -> tuple[str, str, str]:
        """(full name, search key, sort key), computed once per distinct name."""
        keys = self.names.get(raw)
        if keys is None:
            name = vntext.clean_name(raw)
            keys = self.names[raw] = (name, vntext.fold(name), vntext.sort_key(name))
        return keys

    def day_between(self, first: date, last: date) -> date:
        if last <= first:
            return first
        return first + timedelta(days=randint(self.rng, 0, (last - first).days))

    def job(self, titles: Weighted) -> str:
        choice = self.jobs.get(titles)
        if choice is None:
            choice = self.jobs[titles] = Choice(titles)
        return choice.pick(self.rng)


def make_members(gen: Generator, count: int, busy: Sequence[set[int]], org_ids: Sequence[int],
                  cell_ids: Sequence[int], report: Callable[[int], None]
                  ) -> tuple[list[Row], list[Life]]:
    """The member rows (without ids) and each member's dated life, in the same order."""
    rng = gen.rng
    special = rng.randrange(count) if count else -1
    rows: list[Row] = []
    lives: list[Life] = []
    for index in range(count):
        row, life = make_member(gen, index == special, busy, org_ids, cell_ids)
        rows.append(row)
        lives.append(life)
        if index % 5000 == 4999:
            report(index + 1)
    report(count)
    return rows, lives


def make_member(gen: Generator, special: bool, busy: Sequence[set[int]],
                 org_ids: Sequence[int], cell_ids: Sequence[int]) -> tuple[Row, Life]:
    rng = gen.rng
    today = gen.today
    today_ord = today.toordinal()
    sex = Sex.FEMALE if special or rng.random() < 0.15 else Sex.MALE
    ethnicity = "Kinh" if special else gen.ethnicity.pick(rng)
    full_name, name_key, _sort_key = gen.name_keys(
        SPECIAL_NAME if special else gen.full_name(sex, ethnicity))

    # identity and party data
    probationary = not special and rng.random() < 0.015
    if probationary:
        join = today - timedelta(days=randint(rng, 40, 330))
        birth_year = min(2000, max(1966, join.year - randint(rng, 20, 35)))
    else:
        birth_year = min(2000, max(1966, int(rng.triangular(1966, 2001, 1986))))
    birth = gen.day_between(date(birth_year, 1, 1), date(birth_year, 12, 31))
    while (name_key, birth) in gen.people:
        birth = gen.day_between(date(birth_year, 1, 1), date(birth_year, 12, 31))
    gen.people.add((name_key, birth))
    if not probationary:
        first = birth.replace(day=1)
        join = gen.day_between(first + timedelta(days=20 * 365 + 5),
                               min(first + timedelta(days=35 * 365), today - timedelta(days=400)))
    official = None if probationary else join + timedelta(days=365 + randint(rng, 0, 30))
    century = (0 if birth_year < 2000 else 2) + (sex == Sex.FEMALE)
    province = "022" if rng.random() < 0.88 else rng.choice(("030", "031", "034", "036", "038"))
    citizen_id = gen.unique(
        "cid", lambda: f"{province}{century}{birth_year % 100:02d}{gen.digits(6)}")
    phone = (gen.unique("phone", lambda: rng.choice(("09", "03")) + gen.digits(8))
             if special or rng.random() < 0.92 else None)
    card = gen.unique("card", lambda: str(randint(rng, 10_000_000, 99_999_999)))
    file_number = gen.unique("file", lambda: f"{randint(rng, 100_000, 999_999)}QN")

    # workplace
    org_index = 0 if special else int(gen.orgs.pick(rng))
    company, _parent, kind, _address, _weight = ORGS[org_index]
    units, unit_choice = gen.units[kind]
    unit_name, unit_numbers, _men, _women, jobs_men, jobs_women = units[
        int(unit_choice[sex].pick(rng))]
    if unit_numbers:
        unit_name = f"{unit_name} {randint(rng, 1, unit_numbers)}"
    job_title = gen.job(jobs_women if sex == Sex.FEMALE else jobs_men)
    if special:
        unit_name, job_title = "Phòng Kế toán - Tài chính", "Nhân viên kinh tế"

    # the introduction letter
    if probationary:
        received = min(today, join + timedelta(days=randint(rng, 20, 60)))
    else:
        received = gen.day_between(max(FIRST_RECEIVED, join + timedelta(days=30)), today)
    letter_date = max(join, received - timedelta(days=randint(rng, 2, 12)))
    number = randint(rng, 1, 600)
    letter_key = (org_index, letter_date.year)
    used_numbers = gen.letters.setdefault(letter_key, set())
    if number in used_numbers:  # numbers run on past 600 in a huge demo
        number = gen.letter_top[letter_key] = max(gen.letter_top.get(letter_key, 600), 600) + 1
    used_numbers.add(number)

    # dated life: leaving the list, moving between cells, being excused
    life = Life(received=received.toordinal())
    cell = int(gen.cells.pick(rng))
    first_close = life.received + 90
    fate = rng.random()
    closed_day: int | None = None
    if not special and first_close < today_ord - 1 and fate < 0.075 + 0.11:
        life.closing = closing_reason(gen, fate, birth_year, cell)
        if life.closing is not None:
            closed_day = randint(rng, max(first_close, today_ord - 730), today_ord - 1)
    moved_from: int | None = None
    move_day: int | None = None
    stay_end = today_ord if closed_day is None else closed_day
    if not special and rng.random() < 0.015 and life.received + 60 < stay_end - 30:
        new_cell = (cell + randint(rng, 1, CELL_COUNT - 1)) % CELL_COUNT
        day = randint(rng, max(life.received + 60, stay_end - 730), stay_end - 30)
        move_day = clear_day(day, busy[cell] | busy[new_cell], life.received + 60,
                              stay_end - 30)
        if move_day is not None:
            moved_from, cell = cell, new_cell
    if closed_day is not None:
        life.closed = clear_day(closed_day, busy[cell], max(first_close, (move_day or 0) + 30),
                                 today_ord - 1)
        if life.closed is None:
            life.closing = None
    life.stints = ([(moved_from, life.received, move_day), (cell, move_day, life.closed)]
                   if moved_from is not None and move_day is not None
                   else [(cell, life.received, life.closed)])
    if (not special and life.closed is None and rng.random() < 0.06
            and life.received < today_ord - 60):
        cells_busy = set().union(*(busy[c] for c, _, _ in life.stints))
        reason = gen.excuse.pick(rng)
        start = life.received if rng.random() < 0.25 else randint(rng, life.received,
                                                                        today_ord - 60)
        start = clear_day(start, cells_busy, life.received, today_ord - 30) or start
        end: int | None = None
        ongoing = 0.35 if reason.startswith("Đi học") else 0.7
        if rng.random() > ongoing and start + 150 < today_ord - 1:
            end = clear_day(randint(rng, start + 150, today_ord - 1), cells_busy, start + 150,
                             today_ord - 1)
        life.excused = (start, end)
        life.excuse_reason = reason

    # how often the member comes when invited: some always, a few never
    shape = rng.random()
    if shape < 0.15:
        life.present_below, life.excused_below = 1.0, 1.0
    elif shape < 0.18:
        life.present_below, life.excused_below = 0.0, rng.uniform(0.2, 0.5)
    else:
        life.present_below = rng.betavariate(7.3, 2.7)
        life.excused_below = life.present_below + (1 - life.present_below) * rng.uniform(0.45, 0.8)

    house = f"Số {randint(rng, 1, 240)}, tổ" if rng.random() < 0.7 else "Tổ"
    notes = []
    if moved_from is not None and move_day is not None:
        notes.append(f"Chuyển từ khu {moved_from + 1} sang khu {cell + 1} ngày "
                     f"{format_date(date.fromordinal(move_day))}.")
    known_birth = special or rng.random() >= 0.03
    if not known_birth:
        notes.append("Danh sách cũ chỉ ghi năm sinh.")
    still_excused = life.excused is not None and life.excused[1] is None
    last_change = max(life.received, life.closed or 0, move_day or 0,
                      *(d or 0 for d in (life.excused or ())))
    # the register's one way to store a member: the same rules and stored values as a member
    # typed in the form or imported from a list (a generated member breaking a rule is a bug)
    uuid = new_uuid(rng)
    data = MemberInput(
        full_name=full_name, sex=sex.value, birth_date=birth if known_birth else None,
        birth_year=None if known_birth else birth_year, ethnicity=ethnicity,
        citizen_id=citizen_id, phone=phone or "", card_number=card,
        party_file_number=file_number, join_date=join, official_date=official,
        workplace_org_id=org_ids[org_index], workplace_cell=f"Chi bộ {unit_name}",
        employer_unit=f"{unit_name}, {company}", job_title=job_title,
        address=f"{house} {randint(rng, 1, 8)}, khu {cell + 1}, {ADDRESS_TAIL}",
        cell_id=cell_ids[cell], letter_number=f"{number}-GGT/ĐU", letter_date=letter_date,
        letter_issuer=f"Đảng ủy {company}", received_date=received, excused=still_excused,
        excused_reason=life.excuse_reason if still_excused else "", notes=" ".join(notes))
    errors = validate_member(data, today)
    if errors:
        raise RuntimeError(f"Dữ liệu mẫu sai quy tắc: {full_name}: {errors}")
    row: Row = new_member_row(data, SET_UP_AT, Lifecycle(
        uuid=uuid,
        status=(MemberStatus.ACTIVE if life.closing is None else life.closing[0]).value,
        closed_date=None if life.closed is None else date.fromordinal(life.closed),
        created_at=stamp(received, rng), updated_at=stamp(date.fromordinal(last_change), rng)))
    return row, life


def closing_reason(gen: Generator, fate: float, birth_year: int,
                    cell: int) -> tuple[MemberStatus, str] | None:
    """How a member leaves the list (about 4% move, 3% transfer, 0.5% die; older ones retire)."""
    rng = gen.rng
    if fate < 0.04:
        return MemberStatus.MOVED_AWAY, f"Chuyển nơi cư trú đến {rng.choice(OTHER_PLACES)}."
    if fate < 0.07:
        target = rng.choice([*(f"Đảng ủy {o[0]}" for o in ORGS[1:]),
                             "Đảng bộ xã nơi quê quán"])
        return MemberStatus.TRANSFERRED_OUT, (
            f"Chuyển công tác, chuyển sinh hoạt đảng chính thức về {target}.")
    if fate < 0.075:
        return MemberStatus.DECEASED, rng.choice(("Từ trần do bệnh nặng.", "Từ trần đột ngột.",
                                                  "Từ trần do tai nạn giao thông."))
    if birth_year <= 1976:  # about one member in six is old enough
        return MemberStatus.RETIRED_TO_CELL, (
            f"Nghỉ hưu, chuyển sinh hoạt đảng chính thức về Chi bộ khu {cell + 1}.")
    return None
