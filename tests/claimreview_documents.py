"""
The ClaimReview documents a verdict page embeds, read as a search engine
reads them, and the schema they are checked against.
"""

import json
import re

import jsonschema
from django.conf import settings

SCHEMA = json.loads(
    (settings.BASE_DIR / "claims" / "schemas" / "claimreview.schema.json").read_text()
)
validator = jsonschema.Draft202012Validator(SCHEMA)


def embedded_claimreviews(response):
    content = response.content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    return [json.loads(block) for block in blocks]


def claimreview_of(client, slug, language=""):
    """The ClaimReview on the verdict page of `slug`: in `language` ("ko"), else the newsroom's."""
    prefix = f"/{language}" if language else ""
    [document] = embedded_claimreviews(client.get(f"{prefix}/claims/{slug}/"))
    return document
