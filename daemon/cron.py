"""Standard crontab expressions for APScheduler 3.

APScheduler 3 numbers weekdays from Monday = 0, while crontab (and every person who
writes one) means Sunday = 0 (or 7), Monday = 1. ``crontab_fields`` turns the five
standard fields into CronTrigger keyword arguments with the weekdays named, so
"0 8 * * 1" is Monday 08:00 as the operator expects. One difference remains: when both
the day of the month and the weekday are restricted, APScheduler needs both to match
(crontab needs either).
"""

from __future__ import annotations

import re
from datetime import tzinfo

from apscheduler.triggers.cron import CronTrigger

FIELD_NAMES = ("minute", "hour", "day", "month", "day_of_week")
WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NUMBER = re.compile(r"\d+")


def crontab_fields(expression: str) -> dict[str, str]:
    """The CronTrigger fields of a standard five-field crontab expression."""
    values = expression.split()
    if len(values) != len(FIELD_NAMES):
        raise ValueError(f"{expression!r}: dòng cron có 5 trường (phút giờ ngày tháng thứ)")
    fields = dict(zip(FIELD_NAMES, values, strict=True))
    fields["day_of_week"] = ",".join(_weekday_part(part) for part in fields["day_of_week"].split(","))
    return fields


def _weekday_part(part: str) -> str:
    """One comma-separated part of the weekday field, with crontab numbers as names."""
    base, slash, step = part.partition("/")
    if base == "*" and _NUMBER.fullmatch(step) and int(step) > 0:  # every Nth day from Sunday
        return ",".join(WEEKDAYS[day] for day in range(0, 7, int(step)))
    first, dash, last = base.partition("-")
    if not _NUMBER.fullmatch(first) or (dash and not _NUMBER.fullmatch(last)):
        return part  # "*", names ("mon-fri") or nonsense that CronTrigger will reject
    if int(first) > 7 or (dash and int(last) > 7):
        raise ValueError(f"thứ {base!r} ngoài khoảng 0–7 (0 và 7 là Chủ nhật)")
    if not dash:
        return WEEKDAYS[int(first)] + slash + step
    if slash:
        raise ValueError(f"thứ {part!r}: không hỗ trợ bước nhảy trên một khoảng số; hãy liệt kê từng ngày")
    if int(first) == 0:  # Sunday first: APScheduler's week ends on Sunday
        return "sun" if int(last) == 0 else f"mon-{WEEKDAYS[int(last)]},sun"
    return f"{WEEKDAYS[int(first)]}-{WEEKDAYS[int(last)]}"


def cron_trigger(expression: str, zone: tzinfo | str) -> CronTrigger:
    """A CronTrigger firing at ``expression`` (standard crontab) in ``zone``; ValueError if invalid."""
    return CronTrigger(timezone=zone, **crontab_fields(expression))
