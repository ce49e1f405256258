"""Ingestion hardening: skipped feed entries are counted on their source, the canonical URL
stops being unique (it links duplicates instead of dropping them), and text stored before
control characters were stripped at the boundary is cleaned once (such a title made the
site's own RSS and Atom feeds answer 500)."""

from django.db import migrations, models

# The characters newsloom.articles.chars strips (lone surrogates cannot be stored at all).
_UNSAFE_REGEX = "[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]"
_TEXT_FIELDS = {"Article": ("title", "author", "description", "site_name", "text", "html"),
                "Source": ("name",)}


def strip_stored_control_characters(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Only the rows that contain one are read and written."""
    from newsloom.articles.chars import strip_unsafe_chars

    for model_name, names in _TEXT_FIELDS.items():
        model = apps.get_model("news", model_name)
        for name in names:
            dirty = model.objects.filter(**{f"{name}__regex": _UNSAFE_REGEX})
            for pk, value in dirty.values_list("pk", name).iterator():
                model.objects.filter(pk=pk).update(**{name: strip_unsafe_chars(value)})


class Migration(migrations.Migration):

    dependencies = [
        ('news', '0009_story_engine'),
    ]

    operations = [
        migrations.AddField(
            model_name='source',
            name='entries_skipped',
            field=models.PositiveIntegerField(default=0, help_text='feed entries left out as unreadable, in all'),
        ),
        migrations.AddField(
            model_name='source',
            name='last_skipped',
            field=models.TextField(blank=True, help_text='the latest skipped entries and why'),
        ),
        migrations.AlterField(
            model_name='article',
            name='url',
            field=models.URLField(db_index=True, help_text='canonical URL', max_length=2000),
        ),
        migrations.RunPython(strip_stored_control_characters, migrations.RunPython.noop),
    ]
