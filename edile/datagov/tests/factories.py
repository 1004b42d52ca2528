from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.core.files.base import ContentFile

from edile.datagov.models import (
    AccessRequest,
    Classification,
    Dataset,
    Distribution,
    DistributionFormat,
    Licence,
    Theme,
)
from edile.datagov.services import dataset_keywords_sync
from edile.members.tests.factories import LocalGovernmentFactory


class DatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dataset
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"dataset-{n}")
    title_fr = factory.Sequence(lambda n: f"Jeu de données {n}")
    title_en = factory.Sequence(lambda n: f"Dataset {n}")
    description_fr = "Description du jeu de données."
    description_en = "Description of the dataset."
    publisher = factory.SubFactory(LocalGovernmentFactory)
    contact_name = "Service des données"
    contact_email = "data@example.org"
    licence = Licence.ETALAB_2_0
    classification = Classification.OPEN
    spatial_local_government = factory.SelfAttribute("publisher")
    keywords = "mobilité, transport"
    temporal_start = dt.date(2020, 1, 1)
    temporal_end = dt.date(2024, 12, 31)
    frequency = "ANNUAL"
    issued = dt.date(2021, 1, 1)
    modified = dt.date(2024, 6, 1)

    @factory.post_generation
    def themes(obj, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create:
            obj.themes.set(Theme.objects.filter(code__in=extracted or ["TRAN"]))

    @factory.post_generation
    def keyword_tags(obj, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create:
            dataset_keywords_sync(dataset=obj)


class DistributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Distribution

    dataset = factory.SubFactory(DatasetFactory)
    title = "Données CSV"
    url = "https://data.example.org/file.csv"
    format = DistributionFormat.CSV


def csv_distribution(
    dataset: Dataset, content: bytes = b"name,count,day\nA,1,2024-01-02\nB,2,2024-01-03\n"
) -> Distribution:
    dist = Distribution(
        dataset=dataset, title="Fichier", format=DistributionFormat.CSV, byte_size=len(content)
    )
    dist.file.save("test.csv", ContentFile(content), save=False)
    dist.save()
    return dist


class AccessRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessRequest

    dataset = factory.SubFactory(DatasetFactory, classification=Classification.RESTRICTED)
    purpose = "Étude de mobilité"
    intended_use = "Analyse statistique"
    duration_days = 30
