"""
English dates as the desk writes them ("30 April 2025, 14:05 KST"), over
British English's input formats (day before month), which the admin reads.
Templates name formats, not patterns (`|date:"DATE_FORMAT"`), so each
language writes its own.
"""

from django.conf.locale.en_GB.formats import *  # noqa: F403

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i T"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i T"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
TIME_FORMAT = "H:i"
