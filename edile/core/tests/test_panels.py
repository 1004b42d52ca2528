"""`core.panels`: an app adds a section to another app's page through a named slot; the
page's app never imports it (docs/ARCHITECTURE.md)."""

from django.http import HttpRequest
from django.template import Context, Template
from django.utils.safestring import mark_safe

from edile.core import panels


def test_a_slot_renders_its_panels_in_order_and_escapes_plain_text(monkeypatch):
    monkeypatch.setattr(panels, "_registry", {})

    def first(request, obj):
        return mark_safe(f"<p>{obj}</p>")

    def second(request, obj):
        return "<b>not trusted</b>"

    panels.register("test.slot", first)
    panels.register("test.slot", second)
    panels.register("test.slot", first)  # once only
    assert panels.registered("test.slot") == [first, second]
    html = panels.render("test.slot", HttpRequest(), "x")
    assert html == "<p>x</p>&lt;b&gt;not trusted&lt;/b&gt;"
    assert panels.render("other.slot", HttpRequest(), "x") == ""


def test_the_template_tag_needs_the_request(monkeypatch):
    monkeypatch.setattr(panels, "_registry", {"test.slot": [lambda request, obj: f"[{obj}]"]})
    template = Template('{% load edile %}{% panels "test.slot" thing %}')
    assert template.render(Context({"thing": "a", "request": HttpRequest()})) == "[a]"
    assert template.render(Context({"thing": "a"})) == ""
