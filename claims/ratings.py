"""
What each rating means, in one place: the verdict badge, the methodology page
and ClaimReview all read from RATINGS.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from claims.choices import ClaimStatus

# The ClaimReview truth scale: 1 is false, 5 is corroborated.
WORST_RATING = 1
BEST_RATING = 5


@dataclass(frozen=True)
class Rating:
    status: ClaimStatus
    definition: str | Promise
    # Position on the ClaimReview scale, or None for a rating that says we do
    # not know: a number there would tell machines something we have not found.
    value: int | None = None

    @property
    def label(self):
        return self.status.label

    @property
    def slug(self):
        return self.status.value


RATINGS = {
    rating.status: rating
    for rating in [
        Rating(
            ClaimStatus.CORROBORATED,
            _(
                "Supporting evidence comes from at least two origins that do not depend on "
                "each other or on whoever made the claim, each graded credible, and no strong "
                "evidence contradicts it."
            ),
            value=5,
        ),
        Rating(
            ClaimStatus.DISPUTED,
            _(
                "Credible evidence points both ways: at least one item supports the claim "
                "and at least one contradicts it."
            ),
            value=3,
        ),
        Rating(
            ClaimStatus.FALSE,
            _(
                "Strong evidence from an origin independent of the claimant contradicts it, "
                "and no strong evidence supports it."
            ),
            value=1,
        ),
        Rating(
            ClaimStatus.UNVERIFIED,
            _(
                "We have not been able to confirm or refute it yet. We publish it because it "
                "is in the news, together with what we don't know."
            ),
        ),
        Rating(
            ClaimStatus.UNVERIFIABLE,
            _(
                "It cannot be checked: it is an opinion, or the information needed to check "
                "it does not exist or is not available. We say why."
            ),
        ),
        Rating(
            ClaimStatus.IN_REVIEW,
            _(
                "A reviewer is weighing the evidence now. Readers keep seeing the previous "
                "verdict, marked as under review, until a new one is issued."
            ),
        ),
    ]
}

# The ratings a published claim can show; a claim in review shows its previous one.
PUBLIC_RATINGS = [RATINGS[status] for status in ClaimStatus if status != ClaimStatus.IN_REVIEW]
