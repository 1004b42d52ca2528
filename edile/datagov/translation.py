"""Bilingual content (title_fr, title_en…) and, after it, the history of the translated models."""

import simple_history
from modeltranslation.translator import TranslationOptions, register

from edile.datagov.models import (
    Dataset,
    DictionaryColumn,
    Keyword,
    MaturityDescriptor,
    MaturityDimension,
    MaturityLevel,
    ProcessingRecord,
    Roadmap,
    RoadmapAction,
)


@register(Dataset)
class DatasetTranslationOptions(TranslationOptions):
    fields = ("title", "description", "quality_notes")


@register(Keyword)
class KeywordTranslationOptions(TranslationOptions):
    fields = ("label",)


@register(DictionaryColumn)
class DictionaryColumnTranslationOptions(TranslationOptions):
    fields = ("description",)


@register(ProcessingRecord)
class ProcessingRecordTranslationOptions(TranslationOptions):
    fields = ("name", "purpose")


@register(Roadmap)
class RoadmapTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(RoadmapAction)
class RoadmapActionTranslationOptions(TranslationOptions):
    fields = ("title",)


@register(MaturityDimension)
class MaturityDimensionTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(MaturityLevel)
class MaturityLevelTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(MaturityDescriptor)
class MaturityDescriptorTranslationOptions(TranslationOptions):
    fields = ("text",)


# simple-history must see the translated fields (title_fr, title_en…), so it registers here.
for _model in (Dataset, ProcessingRecord, Roadmap, RoadmapAction, MaturityDimension, MaturityLevel):
    simple_history.register(_model)
