"""Template filters of the catalogue."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from edile.datagov.advice import finding_text
from edile.datagov.search import highlight as _highlight

register = template.Library()


@register.filter
def highlight(text: str, q: str) -> SafeString:
    """`{{ dataset.title|highlight:q }}`: the words the query matched, in <mark>."""
    return _highlight(str(text or ""), q or "")


@register.filter
def dcat_finding(item: object) -> str:
    """A stored DCAT-AP finding, as a sentence in the reader's language."""
    return finding_text(item)
