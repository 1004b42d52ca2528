"""django-import-export resources: spreadsheet import and export of the registry in the admin."""

from import_export import fields, resources

from edile.members.models import LocalGovernment


class LocalGovernmentResource(resources.ModelResource):
    country = fields.Field(attribute="country", column_name="country")

    class Meta:
        model = LocalGovernment
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name_fr",
            "name_en",
            "kind",
            "country",
            "region_fr",
            "region_en",
            "population",
            "latitude",
            "longitude",
            "website",
        ]
        skip_unchanged = True
        use_transactions = True
        clean_model_instances = True

    def dehydrate_country(self, lg: LocalGovernment) -> str:
        return lg.country.code
