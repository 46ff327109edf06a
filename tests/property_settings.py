"""
How many examples the property tests try: few under the default "fast"
profile, many more under HYPOTHESIS_PROFILE=thorough.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "fast",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile("thorough", parent=settings.get_profile("fast"), max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))


def examples(count):
    """`count` examples under the fast profile, proportionally more under thorough."""
    return max(1, count * settings.default.max_examples // 25)
