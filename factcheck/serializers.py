"""
Django's JSON serialization, without losing microseconds.

DjangoJSONEncoder cuts datetimes to the millisecond (the ECMA-262 format), so
a dumpdata backup silently drops the rest: a restored database differs from
the one dumped, a second dump differs from the first, and two corrections a
claim received in the same millisecond could no longer be told apart. Registered
as the "json" format in settings.SERIALIZATION_MODULES; reading is unchanged.
"""

import datetime

from django.core.serializers import json
from django.core.serializers.json import DjangoJSONEncoder

Deserializer = json.Deserializer


class LosslessJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class Serializer(json.Serializer):
    def _init_options(self):
        self.options.setdefault("cls", LosslessJSONEncoder)
        super()._init_options()
