"""Helpers of the command entities (switches, time): which cars, which times of day."""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo

from homeassistant.util import dt as dt_util

from ..vehicles.data import VehicleData


def has_battery(data: VehicleData) -> bool:
    """Electric and plug-in hybrid cars: their status has the battery's charging block."""
    return data.charging is not None


def next_occurrence(now: datetime, at: time, zone: tzinfo) -> datetime:
    """The first moment after ``now`` whose local time of day (in ``zone``) is ``at``.

    Today if that time is still ahead, else tomorrow (a time a DST change skips falls
    one hour later, as the clocks show it).
    """
    local_now = now.astimezone(zone)
    today = datetime.combine(local_now.date(), at.replace(tzinfo=None), tzinfo=zone)
    if today > local_now:
        return today
    return datetime.combine(today.date() + timedelta(days=1), at.replace(tzinfo=None), tzinfo=zone)


def local_time_of_day(moment: datetime | None) -> time | None:
    """``moment`` as a local time of day to the minute (``None`` stays ``None``)."""
    if moment is None:
        return None
    return dt_util.as_local(moment).time().replace(second=0, microsecond=0)
