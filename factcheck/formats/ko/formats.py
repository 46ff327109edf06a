"""
Korean dates as Korean newsrooms write them ("2025년 4월 30일 14:05 KST",
"2025. 4. 30."), over Django's Korean formats.
"""

from django.conf.locale.ko.formats import *  # noqa: F403

DATE_FORMAT = "Y년 n월 j일"
DATETIME_FORMAT = "Y년 n월 j일 H:i T"
SHORT_DATE_FORMAT = "Y. n. j."
SHORT_DATETIME_FORMAT = "Y. n. j. H:i T"
YEAR_MONTH_FORMAT = "Y년 n월"
MONTH_DAY_FORMAT = "n월 j일"
TIME_FORMAT = "H:i"
