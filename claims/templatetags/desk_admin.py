"""Template tags for the desk's admin pages: the errors named at the top, the queues."""

from django import template
from django.contrib import admin

from claims.admin import queue_counts, reader_queue_counts
from claims.admin_forms import error_summary
from claims.models import Claim

register = template.Library()


@register.simple_tag
def form_errors(form, inline_admin_formsets=()):
    """Every error on `form` and its inlines, labelled (admin_forms.error_summary)."""
    return error_summary(form, [inline.formset for inline in inline_admin_formsets])


@register.simple_tag(takes_context=True)
def claim_queues(context):
    """The desk's queues with their counts, for staff who may see claims; else nothing."""
    request = context["request"]
    if not admin.site.get_model_admin(Claim).has_view_or_change_permission(request):
        return []
    return queue_counts(request)


@register.simple_tag(takes_context=True)
def reader_queues(context):
    """Readers' tips and correction requests waiting, for staff who triage them."""
    return reader_queue_counts(context["request"])
