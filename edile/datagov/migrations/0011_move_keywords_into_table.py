"""Move each dataset's keywords (typed, comma-separated) into the Keyword table.

Forward: one Keyword per folded key ("Données" and "donnees" are one), labelled in the
dataset's language (French when it has a French title), linked to the datasets that use it.
Backward: the datasets' `keywords` text is still there, so undoing empties the table; a keyword
that was only in the table (a harvested English one) is written back into the text first.
"""

import re
import unicodedata

from django.db import migrations

_NON_WORD = re.compile(r"[^0-9a-z]+")


def _fold(text):
    # The same folding as edile.datagov.search.fold, copied: a migration does not import app code.
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", stripped.lower()).strip()


def forward(apps, schema_editor):
    Dataset = apps.get_model("datagov", "Dataset")
    Keyword = apps.get_model("datagov", "Keyword")
    by_key = {k.key: k for k in Keyword.objects.all()}
    for dataset in Dataset.objects.only("pk", "keywords", "title_fr", "title_en").iterator():
        lang = "fr" if dataset.title_fr or not dataset.title_en else "en"
        tags = []
        for label in (k.strip() for k in (dataset.keywords or "").split(",")):
            key = _fold(label)[:200]
            if not key:
                continue
            keyword = by_key.get(key)
            if keyword is None:
                keyword = Keyword.objects.create(
                    key=key, label=label[:200], **{f"label_{lang}": label[:200]}
                )
                by_key[key] = keyword
            elif not getattr(keyword, f"label_{lang}"):
                setattr(keyword, f"label_{lang}", label[:200])
                keyword.save(update_fields=[f"label_{lang}"])
            tags.append(keyword)
        dataset.keyword_tags.set(tags)


def backward(apps, schema_editor):
    Dataset = apps.get_model("datagov", "Dataset")
    Keyword = apps.get_model("datagov", "Keyword")
    for dataset in Dataset.objects.prefetch_related("keyword_tags").iterator(chunk_size=500):
        typed = [k.strip() for k in (dataset.keywords or "").split(",") if k.strip()]
        keys = {_fold(k) for k in typed}
        for keyword in dataset.keyword_tags.all():
            if keyword.key not in keys:
                label = keyword.label_fr or keyword.label_en or keyword.label
                candidate = ", ".join([*typed, label])
                if len(candidate) <= 500:
                    typed.append(label)
                    keys.add(keyword.key)
        text = ", ".join(typed)
        if text != (dataset.keywords or ""):
            Dataset.objects.filter(pk=dataset.pk).update(keywords=text)
    Keyword.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("datagov", "0010_keyword_table")]

    operations = [migrations.RunPython(forward, backward)]
