"""
The estimates-over-time chart, laid out in Python and drawn by a template
(claims/figure_chart.svg) as an inline SVG: no chart library, no script.

Everything here is geometry in the SVG's own units. The viewBox is narrow
enough that its text stays legible when a phone scales the chart to fit.
"""

import math
from dataclasses import dataclass, field
from datetime import MAXYEAR, date, timedelta

from django.utils.dateformat import format as format_date
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

WIDTH = 400
HEIGHT = 250
LEFT, RIGHT, TOP, BOTTOM = 50, 16, 24, 42
# Colour is never the only cue: each series also has its own marker shape.
SHAPES = ("circle", "square", "triangle", "diamond")
MARKER_RADIUS = 5
ARROW_LENGTH = 11
MAX_X_TICKS = 5
MAX_Y_TICKS = 6


@dataclass
class Tick:
    position: float
    label: str
    year: str = ""  # under a month's label, where the year is new


@dataclass
class Mark:
    """One estimate on the chart: a marker, and a bar when a range was stated."""

    estimate: object
    x: float
    y: float
    marker: str  # path data
    label: str
    range_top: float | None = None
    range_bottom: float | None = None
    range_caps: str = ""
    arrow: str = ""  # path data: up when the value may be higher, down when lower

    @property
    def is_range(self):
        return self.range_top is not None


@dataclass
class Series:
    number: int  # 1-based, for the CSS class that colours it
    label: str
    shape: str
    origins: list
    marks: list = field(default_factory=list)
    line: str = ""  # polyline points, empty with a single estimate
    latest_label: Tick | None = None
    latest_label_y: float = 0
    latest_label_anchor: str = "middle"

    @property
    def key_marker(self):
        """The series' marker for the legend's 20×20 key."""
        return marker_path(self.shape, 10, 10)


@dataclass
class Chart:
    title: str
    description: str
    series: list
    x_ticks: list
    y_ticks: list
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    unit: str = ""

    @property
    def shapes_shown(self):
        return [series.shape for series in self.series]

    @property
    def has_ranges(self):
        return any(mark.is_range for series in self.series for mark in series.marks)

    @property
    def has_floors(self):
        return any(mark.estimate.may_be_higher for series in self.series for mark in series.marks)

    @property
    def has_ceilings(self):
        return any(mark.estimate.may_be_lower for series in self.series for mark in series.marks)


def estimate_chart(figure, series):
    """
    Lay out `series` (Figure.series(): one OriginSeries per independent
    origin) as a Chart: a time axis, a value axis from zero, and per series a
    line through its estimates with one Mark each.
    """
    estimates = [estimate for group in series for estimate in group.estimates]
    if not estimates:
        return None
    first = min(estimate.stated_on for estimate in estimates)
    last = max(estimate.stated_on for estimate in estimates)
    start, end = padded(first, last)
    top_value, step = value_scale(max(estimate.top for estimate in estimates))

    def x_of(day):
        span = (end - start).days
        return round(LEFT + (day - start).days / span * (WIDTH - RIGHT - LEFT), 1)

    def y_of(value):
        return round(HEIGHT - BOTTOM - value / top_value * (HEIGHT - BOTTOM - TOP), 1)

    drawn = []
    for number, group in enumerate(series, start=1):
        shape = SHAPES[(number - 1) % len(SHAPES)]
        line = Series(number=number, label=group.label, shape=shape, origins=group.origins)
        for estimate in group.estimates:
            line.marks.append(place(estimate, shape, x_of, y_of))
        if len(line.marks) > 1:
            line.line = " ".join(f"{mark.x},{mark.y}" for mark in line.marks)
        label_latest(line, group.current)
        drawn.append(line)

    return Chart(
        title=gettext("%(figure)s: every estimate over time") % {"figure": figure.name},
        description=describe(figure, series, first, last),
        series=drawn,
        x_ticks=month_labels(month_ticks(start, end), x_of),
        y_ticks=[Tick(y_of(value), f"{value:,}") for value in range(0, top_value + 1, step)],
        unit=figure.unit,
    )


def place(estimate, shape, x_of, y_of):
    x = x_of(estimate.stated_on)
    if estimate.is_range:
        high, low = y_of(estimate.high), y_of(estimate.low)
        y = round((high + low) / 2, 1)
    else:
        y = y_of(estimate.low)
    mark = Mark(
        estimate=estimate,
        x=x,
        y=y,
        marker=marker_path(shape, x, y),
        label=gettext("%(origin)s, %(date)s: %(value)s")
        % {
            "origin": estimate.origin.name,
            "date": date_format(estimate.stated_on, "DATE_FORMAT"),
            "value": estimate.value_text,
        },
    )
    if estimate.is_range:
        mark.range_top, mark.range_bottom = high, low
        mark.range_caps = f"M{x - 5},{high}H{x + 5}M{x - 5},{low}H{x + 5}"
    if estimate.may_be_higher:
        tip = (mark.range_top if estimate.is_range else y) - MARKER_RADIUS - 2 - ARROW_LENGTH
        mark.arrow = arrow_path(x, tip + ARROW_LENGTH, tip)
    elif estimate.may_be_lower:
        tip = (mark.range_bottom if estimate.is_range else y) + MARKER_RADIUS + 2 + ARROW_LENGTH
        mark.arrow = arrow_path(x, tip - ARROW_LENGTH, tip)
    return mark


def label_latest(line, current):
    """The value an origin stands by now, written beside its mark."""
    mark = next(mark for mark in line.marks if mark.estimate is current)
    above = mark.range_top if mark.is_range else mark.y
    if current.may_be_higher:
        above -= ARROW_LENGTH + 2
    line.latest_label = Tick(mark.x, current.number_text)
    line.latest_label_y = round(max(above - MARKER_RADIUS - 4, TOP - 6), 1)
    # Near either edge the text runs inwards, so it never leaves the chart.
    if mark.x > WIDTH - RIGHT - 30:
        line.latest_label_anchor = "end"
    elif mark.x < LEFT + 30:
        line.latest_label_anchor = "start"


def marker_path(shape, x, y, r=MARKER_RADIUS):
    if shape == "square":
        side = r * 1.8
        return f"M{x - side / 2:.1f},{y - side / 2:.1f}h{side:.1f}v{side:.1f}h-{side:.1f}z"
    if shape == "triangle":
        apex, base, half = y - r * 1.2, y + r * 0.8, r * 1.1
        return f"M{x:.1f},{apex:.1f}L{x + half:.1f},{base:.1f}L{x - half:.1f},{base:.1f}z"
    if shape == "diamond":
        d = r * 1.3
        return f"M{x:.1f},{y - d:.1f}L{x + d:.1f},{y:.1f}L{x:.1f},{y + d:.1f}L{x - d:.1f},{y:.1f}z"
    return f"M{x - r:.1f},{y:.1f}a{r},{r} 0 1,0 {2 * r},0a{r},{r} 0 1,0 -{2 * r},0"


def arrow_path(x, base, tip):
    """A shaft from `base` to `tip` with its head at `tip`."""
    head = 4 if tip > base else -4
    return f"M{x},{base}V{tip}M{x - 4},{tip - head}L{x},{tip}L{x + 4},{tip - head}"


def padded(first, last):
    """The time axis: a little room either side, never zero wide, and never
    past the first or last day a date can be (a row written around the
    forms' date bounds must not break the page)."""
    margin = max(timedelta(days=round((last - first).days * 0.06)), timedelta(days=12))
    start = first - margin if first - date.min >= margin else date.min
    end = last + margin if date.max - last >= margin else date.max
    return start, end


def value_scale(maximum):
    """
    The value axis's top and step: from zero to a round number above every
    value, with at most MAX_Y_TICKS ticks at 1, 2, 2.5 or 5 times a power of ten.
    """
    maximum = max(maximum, 1)
    raw = maximum / (MAX_Y_TICKS - 1)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for multiple in (1, 2, 2.5, 5, 10):
        step = multiple * magnitude
        if step >= raw and step == int(step):
            break
    step = int(step)
    # Headroom above the highest value for its label.
    top = math.ceil(maximum * 1.04 / step) * step
    return top, step


def month_ticks(start, end):
    """First days of months inside the axis, every 1, 2, 3, 6 or 12 months."""
    months = []
    day = date(start.year, start.month, 1)
    while day <= end:
        if day >= start:
            months.append(day)
        if (day.year, day.month) == (MAXYEAR, 12):
            break
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    for every in (1, 2, 3, 6, 12):
        chosen = [day for day in months if (day.year * 12 + day.month - 1) % every == 0]
        if len(chosen) <= MAX_X_TICKS:
            return chosen
    return chosen[:: math.ceil(len(chosen) / MAX_X_TICKS)]


def month_labels(days, x_of):
    """Short month names, with the year under the first and under each January."""
    ticks = []
    for index, day in enumerate(days):
        year = str(day.year) if index == 0 or day.month == 1 else ""
        ticks.append(Tick(x_of(day), format_date(day, "M"), year))
    return ticks


def describe(figure, series, first, last):
    """The chart in words, for <desc>: what a screen reader hears before the table."""
    count = sum(len(group.estimates) for group in series)
    origins = ngettext(
        "%(count)d independent origin", "%(count)d independent origins", len(series)
    ) % {"count": len(series)}
    sentences = [
        ngettext(
            "%(count)d estimate from %(origins)s, %(first)s to %(last)s.",
            "%(count)d estimates from %(origins)s, %(first)s to %(last)s.",
            count,
        )
        % {
            "count": count,
            "origins": origins,
            "first": date_format(first, "DATE_FORMAT"),
            "last": date_format(last, "DATE_FORMAT"),
        }
    ]
    for group in series:
        opening, current = group.estimates[0], group.current
        if opening is current:
            sentences.append(
                gettext("%(origin)s: %(value)s on %(date)s.")
                % {
                    "origin": group.label,
                    "value": current.value_text,
                    "date": date_format(current.stated_on, "DATE_FORMAT"),
                }
            )
        else:
            sentences.append(
                gettext(
                    "%(origin)s: %(count)d estimates, from %(first)s on %(first_date)s "
                    "to %(last)s on %(last_date)s."
                )
                % {
                    "origin": group.label,
                    "count": len(group.estimates),
                    "first": opening.value_text,
                    "first_date": date_format(opening.stated_on, "DATE_FORMAT"),
                    "last": current.value_text,
                    "last_date": date_format(current.stated_on, "DATE_FORMAT"),
                }
            )
    sentences.append(gettext("The table below lists every estimate with its source."))
    return " ".join(sentences)
