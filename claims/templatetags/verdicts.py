from django import template

from claims.choices import ClaimStatus
from claims.permissions import role_of
from claims.ratings import RATINGS

register = template.Library()


@register.filter
def rating(claim):
    """The Rating (label, definition, ClaimReview value) readers see for `claim`."""
    return RATINGS[claim.public_status]


@register.filter
def actor_name(event):
    """
    A review event's actor as readers see them: a first name or a role, never
    more: the role is the one that could take the step in the state the claim
    was in then. Reads a published event (claims.records.EventRecord, which
    carries both as published), else a live ReviewEvent
    (claims.permissions.role_of).
    """
    first_name = getattr(event, "actor_first_name", None)
    if first_name is None:
        first_name = event.actor.first_name
    if first_name:
        return first_name
    role = getattr(event, "role", None)
    return (role or role_of(event)).one


@register.filter
def review_reason(claim):
    """
    The public note of the step that put `claim` under review as it is now
    (Reopen, or Start reviewing), or '': what readers are told of why. Reads
    the published timeline (claims.records.ClaimRecord.events, in order).
    """
    steps_into_review = [
        event
        for event in claim.events
        if event.to_status == ClaimStatus.IN_REVIEW and event.from_status != ClaimStatus.IN_REVIEW
    ]
    if not steps_into_review:
        return ""
    return steps_into_review[-1].public_note
