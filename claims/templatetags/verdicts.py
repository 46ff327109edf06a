from django import template

from claims.choices import Action
from claims.ratings import RATINGS

register = template.Library()

# Who does what on the desk, for events whose actor has no first name on file.
ROLE_BY_ACTION = {
    Action.CREATE: "an editor",
    Action.START_REVIEW: "an editor",
    Action.PUBLISH: "a publisher",
    Action.UNPUBLISH: "a publisher",
    Action.REVISE: "a publisher",
}


@register.filter
def rating(claim):
    """The Rating (label, definition, ClaimReview value) readers see for `claim`."""
    return RATINGS[claim.public_status]


@register.filter
def actor_name(event):
    """
    A review event's actor as readers see them: a first name or a role, never
    more. Reads `actor_first_name` where the page's read of the events gave it
    (claims.views.claim_for_page), else the actor.
    """
    first_name = getattr(event, "actor_first_name", None)
    if first_name is None:
        first_name = event.actor.first_name
    return first_name or ROLE_BY_ACTION.get(event.action, "a reviewer")
