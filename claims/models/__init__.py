"""
The desk's models, one module each, importing one another in one direction:

- history: the audit trail (ReviewEvent) and the corrections readers see;
- revisions: the published revisions of claims, all that readers see of them;
- claim: the claim and its workflow verbs, which write the history and
  publish the revisions;
- evidence: evidence and caveats, what a verdict rests on;
- sources: sources, affiliations, articles and topics, and which of them
  readers may see (through the claims and evidence that name them);
- figures: figures and their estimates, which claims state;
- translations: drafts of a claim's record in another language, published
  as revisions in that language;
- content_versions: the versions public pages are cached under;
- tips: what readers send the desk (tips, correction requests, their
  addresses) and the emails queued for delivery, none of it public;
- search_words: the words reader search takes as standing for others.

Each imports only the modules listed before it, and the rules below them all
(claims.choices, claims.constraints, claims.workflow, claims.independence).
Enums come from claims.choices, errors from claims.workflow: this package
exports its models and nothing else.
"""

from claims.models.claim import Claim
from claims.models.content_versions import ContentVersion, PendingPurge
from claims.models.evidence import Caveat, Evidence
from claims.models.figures import Estimate, Figure
from claims.models.history import Correction, ReviewEvent
from claims.models.revisions import Revision, RevisionName
from claims.models.search_words import RelatedWords
from claims.models.sources import Affiliation, Article, Source, Topic
from claims.models.tips import (
    BannedSubmitter,
    CorrectionRequest,
    Notification,
    ReaderAddress,
    SubmitterSalt,
    Tip,
)
from claims.models.translations import Translation

__all__ = [
    "Affiliation",
    "Article",
    "BannedSubmitter",
    "Caveat",
    "Claim",
    "ContentVersion",
    "Correction",
    "CorrectionRequest",
    "Estimate",
    "Evidence",
    "Figure",
    "Notification",
    "PendingPurge",
    "ReaderAddress",
    "RelatedWords",
    "ReviewEvent",
    "Revision",
    "RevisionName",
    "Source",
    "SubmitterSalt",
    "Tip",
    "Topic",
    "Translation",
]
