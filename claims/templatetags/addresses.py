from django import template

from claims.addresses import fixed_address

register = template.Library()


@register.simple_tag
def address(url_name):
    """{% address 'feed' %}: what {% url 'feed' %} gives, reversed once a process."""
    return fixed_address(url_name)
