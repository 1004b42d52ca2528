from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from edile.members.models import (
    Dues,
    LocalGovernment,
    Mandate,
    Membership,
    Office,
    Person,
)


class LocalGovernmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalGovernment

    name = factory.Sequence(lambda n: f"Ville {n}")
    name_fr = factory.SelfAttribute("name")
    name_en = factory.Sequence(lambda n: f"City {n}")
    slug = factory.Sequence(lambda n: f"ville-{n}")
    kind = "municipality"
    country = "SN"
    region = "Dakar"
    region_fr = factory.SelfAttribute("region")
    region_en = factory.SelfAttribute("region")
    population = 100_000
    latitude = Decimal("14.7")
    longitude = Decimal("-17.4")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    gender = "female"
    is_fictional = True


class MandateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mandate

    person = factory.SubFactory(PersonFactory)
    local_government = factory.SubFactory(LocalGovernmentFactory)
    office = Office.MAYOR
    start = dt.date(2020, 1, 1)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    local_government = factory.SubFactory(LocalGovernmentFactory)
    joined_on = dt.date(2000, 1, 1)
    status = "active"


class DuesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dues

    membership = factory.SubFactory(MembershipFactory)
    year = 2019
    amount = Decimal("1200.00")
    currency = "EUR"
    paid_on = dt.date(2019, 3, 1)


def make_member(**kwargs) -> LocalGovernment:
    """An active member city with a current mayor and its dues paid for the last years."""
    lg = LocalGovernmentFactory(**kwargs)
    membership = MembershipFactory(local_government=lg)
    for year in range(2017, dt.date.today().year + 1):
        DuesFactory(membership=membership, year=year, paid_on=dt.date(year, 3, 1))
    MandateFactory(local_government=lg)
    return lg
