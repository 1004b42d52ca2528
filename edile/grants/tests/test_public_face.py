"""The public face for donors and the defects of issue 11 item 6: no risk flags in public,
actual values per period, money and dates in the reader's language, contextual "yes"/"no",
named XLSX sheets, French CSV with semicolons, e-mails in the call's currency, reminders
marked only when sent."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from edile.grants import services
from edile.grants.models import IndicatorValue, ProgressReport, ReportStatus
from edile.grants.tests.factories import (
    TODAY,
    bureau_meeting,
    make_application,
    make_call,
    make_grant,
)
from edile.members.tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_risk_flags_never_on_the_public_page(client, make_user):
    """ "Risk flagged: Delay in land acquisition" used to show on the project page."""
    grant = make_grant()
    services.risk_flag_raise(
        actor=make_user("secretariat"),
        grant=grant,
        level="high",
        description="Delay in land acquisition",
        raised_on=TODAY,
    )
    for language in ("fr", "en"):
        page = client.get(f"/{language}/grants/projects/{grant.application.reference}/")
        assert page.status_code == 200
        assert "Delay in land acquisition" not in page.content.decode()
    export = client.get("/en/grants/projects/export.csv")
    assert "Delay in land acquisition" not in b"".join(export.streaming_content).decode()


def test_results_show_actual_value_per_period(client, make_user):
    """The page shows baseline, target and the actual value of each report, not only
    baseline → target."""
    grant = make_grant()
    indicator = grant.application.indicators.get()
    for title, due, value in (("Interim", TODAY - dt.timedelta(days=60), 12), ("Final", TODAY, 41)):
        report = ProgressReport.objects.create(
            grant=grant, title=title, title_en=title, due_on=due, status=ReportStatus.ACCEPTED
        )
        IndicatorValue.objects.create(report=report, indicator=indicator, value=value)
    content = client.get(f"/en/grants/projects/{grant.application.reference}/").content.decode()
    assert "Interim" in content and ">12<" in content and ">41<" in content
    assert "indicator-chart-" in content


def test_timeline_formats_money_and_translates_report_titles(client, make_user):
    """The timeline read "Payment of 90000.00 EUR" and "Rapport final" on the English page."""
    from edile.grants.tests.factories import pay

    grant = make_grant(amount=Decimal("150000"))
    staff, second = make_user("secretariat"), make_user("secretariat")
    pay(grant, staff, second, amount="90000")
    services.report_schedule(
        actor=staff, grant=grant, title="Rapport final", title_en="Final report", due_on=TODAY
    )
    en = client.get(f"/en/grants/projects/{grant.application.reference}/").content.decode()
    fr = client.get(f"/fr/grants/projects/{grant.application.reference}/").content.decode()
    assert "Payment of €90,000.00" in en and "Final report" in en
    assert "Rapport final" not in en
    assert "90\u202f000,00\xa0€" in fr or "90\xa0000,00\xa0€" in fr


def test_call_page_formats_maximum_and_share(client):
    """The call page showed "at most 150000.00. EUR" and a raw share "0.30"."""
    call = make_call(rules={"max_grant": "150000.00", "min_cofinancing_share": "0.30"})
    en = client.get(f"/en/grants/calls/{call.slug}/").content.decode()
    fr = client.get(f"/fr/grants/calls/{call.slug}/").content.decode()
    assert "at most €150,000.00." in en and "30%" in en
    assert "0.30" not in en and "150000.00" not in en
    assert "30\xa0%" in fr or "30\u202f%" in fr


def test_french_exports_say_oui_non_not_pour_contre(client):
    """The "Fictif" column read "pour"/"contre" (the voting words of another app)."""
    make_grant(is_fictional=True)
    content = b"".join(client.get("/fr/grants/projects/export.csv").streaming_content).decode()
    header, row = content.lstrip("\ufeff").splitlines()[:2]
    assert row.endswith(";oui")
    assert "pour" not in row and "contre" not in row


def test_french_csv_uses_semicolons_and_decimal_commas(client):
    """French spreadsheet programs expect `;` and `1234,50`; English keeps `,` and `.`."""
    make_grant(amount=Decimal("1234.50"))
    fr = b"".join(client.get("/fr/grants/projects/export.csv").streaming_content).decode()
    en = b"".join(client.get("/en/grants/projects/export.csv").streaming_content).decode()
    assert fr.lstrip("\ufeff").startswith("Référence;") and ";1234,50;" in fr
    assert en.lstrip("\ufeff").startswith("Reference,") and ",1234.50," in en


def test_xlsx_sheet_is_named(client):
    """The XLSX sheet was named "Tablib Dataset"."""
    make_grant()
    for language, name in (("fr", "Projets"), ("en", "Projects")):
        response = client.get(f"/{language}/grants/projects/export.xlsx")
        book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        assert book.sheetnames == [name]


def test_decision_email_in_the_call_currency_and_language(
    make_user, django_capture_on_commit_callbacks
):
    """The e-mail said "EUR" whatever the call's currency and printed ISO dates."""
    from edile.grants.models import ExchangeRate

    ExchangeRate.objects.create(currency="XOF", date=dt.date(1999, 1, 1), eur_per_unit="0.00152449")
    call = make_call(currency="XOF", envelope=Decimal("100000000"))
    city = make_member(country="SN")
    application = make_application(
        call=call, local_government=city, status="submitted", grant_requested=Decimal("5000000")
    )
    make_user("focal_point", local_government=city, preferred_language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_record(
            actor=make_user("secretariat"),
            application=application,
            meeting=bureau_meeting(dt.date(2026, 6, 20)),
            outcome="approved",
            amount="5000000",
            reasons="Bon projet",
        )
    body = mail.outbox[0].body
    assert "20 juin 2026" in body
    assert "F\u202fCFA" in body or "FCFA" in body or "XOF" in body
    assert "EUR" not in body and "2026-06-20" not in body


def test_reminders_marked_only_when_sent(make_user):
    """14 late reports but only 2 cities with a focal point: only those 2 are marked reminded,
    and the staff list says which cities have no one to receive a reminder."""
    grants = [make_grant() for _ in range(3)]
    make_user("focal_point", local_government=grants[0].application.local_government)
    reports = [
        ProgressReport.objects.create(grant=g, title="Final", due_on=TODAY - dt.timedelta(days=3))
        for g in grants
    ]
    call_command("grants_send_reminders")
    assert len(mail.outbox) == 1
    marked = [r.pk for r in ProgressReport.objects.filter(last_reminder_on=TODAY)]
    assert marked == [reports[0].pk]
    from edile.grants.selectors import late_reports

    with translation.override("en"):
        rows = {r.pk: r.has_recipient for r in late_reports()}
    assert rows == {reports[0].pk: True, reports[1].pk: False, reports[2].pk: False}
