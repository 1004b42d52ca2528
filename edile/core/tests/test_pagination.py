"""The one pagination bar: links keep the filters and change only `page`."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation


def render(query: str, number: int) -> str:
    request = RequestFactory().get(f"/fr/members/?{query}")
    page = Paginator(list(range(120)), 50).get_page(number)
    with translation.override("fr"):
        return render_to_string("core/partials/pagination.html", {"page": page}, request=request)


def test_links_keep_the_filters_and_replace_the_page():
    html = render("country=SN&q=a%26b&page=2", 2)
    assert 'href="?country=SN&amp;q=a%26b&amp;page=1" rel="prev"' in html
    assert 'href="?country=SN&amp;q=a%26b&amp;page=3" rel="next"' in html
    assert "Page 2 sur 3" in html
    assert 'aria-label="Pages"' in html


def test_first_and_last_pages_have_one_link_each():
    first, last = render("", 1), render("page=3", 3)
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert "Précédente" in last and "Suivante" in first


def test_a_single_page_shows_no_bar():
    request = RequestFactory().get("/")
    page = Paginator([1, 2], 50).get_page(1)
    html = render_to_string("core/partials/pagination.html", {"page": page}, request=request)
    assert "<nav" not in html


def test_no_template_writes_its_own_pagination_bar():
    """One home for the pagination markup: every list includes the partial (a template that
    builds its own links loses the filters, as five of them did)."""
    from pathlib import Path

    import edile

    root = Path(edile.__file__).parent
    partial = root / "core" / "templates" / "core" / "partials" / "pagination.html"
    own = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if path != partial and "next_page_number" in path.read_text(encoding="utf-8")
    ]
    assert own == []
