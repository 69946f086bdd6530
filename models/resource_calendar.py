from bisect import bisect_right
from datetime import datetime, time, timedelta

import pytz

from odoo import models

# How far ahead working days are looked for before giving up (a calendar without
# any working hours): about three years.
MAX_LOOKAHEAD_DAYS = 1100


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def _fulfilment_add_working_days(self, starts):
        """Deadlines a number of working days after each start, at its time of day.

        Working days are the days the calendar has working hours on, less its
        public holidays (leaves without a resource); they are counted from the
        day after the start, in the calendar's time zone. The leaves are read
        once for all the starts.

        :param starts: list of (naive UTC datetime, number of working days)
        :return: list of naive UTC datetimes, in the order of ``starts``; the
            start plus as many calendar days if the calendar has no working day
        """
        self.ensure_one()
        if not starts:
            return []
        tz = pytz.timezone(self.tz or "UTC")
        local_starts = [
            (pytz.utc.localize(start).astimezone(tz), days) for start, days in starts
        ]
        first_day = min(start.date() for start, _days in local_starts) + timedelta(1)
        last_start = max(start.date() for start, _days in local_starts)
        most_days = max(days for _start, days in local_starts)
        span = most_days * 2 + 14
        while True:
            last_day = last_start + timedelta(span)
            working_days = self._fulfilment_working_days(first_day, last_day, tz)
            enough = all(
                bisect_right(working_days, start.date()) + days <= len(working_days)
                for start, days in local_starts
            )
            if enough or span >= MAX_LOOKAHEAD_DAYS:
                break
            span *= 2
        deadlines = []
        for (start, days), local in zip(starts, local_starts, strict=True):
            index = bisect_right(working_days, local[0].date()) + days - 1
            if days <= 0:
                deadlines.append(start)
            elif index < len(working_days):
                day = tz.localize(
                    datetime.combine(working_days[index], local[0].time())
                )
                deadlines.append(day.astimezone(pytz.utc).replace(tzinfo=None))
            else:
                deadlines.append(start + timedelta(days))
        return deadlines

    def _fulfilment_working_days(self, first_day, last_day, tz):
        """The sorted dates from ``first_day`` (included) to ``last_day``
        (excluded) with working time left after the public holidays."""
        start = tz.localize(datetime.combine(first_day, time.min))
        stop = tz.localize(datetime.combine(last_day, time.min))
        intervals = self._work_intervals_batch(start, stop, tz=tz)[False]
        return sorted(
            {
                interval_start.astimezone(tz).date()
                for interval_start, *_rest in intervals
            }
        )
