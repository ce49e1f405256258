"""Ingestion hardening: skipped feed entries are counted on their source, the canonical URL
stops being unique (it links duplicates instead of dropping them), and text stored before
control characters were stripped at the boundary is cleaned once (such a title made the
site's own RSS and Atom feeds answer 500). On SQLite, dropping the unique constraint copies
the article table once (SQLite cannot drop it in place): expect minutes on a very large
archive."""

import importlib

from django.db import migrations, models

# The characters newsloom.articles.chars strips (lone surrogates cannot be stored at all).
_UNSAFE_REGEX = "[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]"
_TEXT_FIELDS = {"Article": ("title", "author", "description", "site_name", "text", "html"),
                "Source": ("name",)}


def restore_sqlite_search_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    """SQLite drops a unique column constraint only by rebuilding the table, and the rebuild
    drops the triggers that keep the search indexes (migrations 0003 and 0005) current. The
    index contents stay valid (same row ids): only the triggers are created again."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in ("0003_search_index", "0005_cjk_bigram_index"):
        module = importlib.import_module(f"newsloom.news.migrations.{name}")
        for sql in module.SQLITE:
            if sql.startswith("CREATE TRIGGER"):
                schema_editor.execute(sql)


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
        ('news', '0010_article_retries'),
    ]

    operations = [
        # (on the way back, after the rebuild that restores the unique constraint)
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_search_triggers),
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
        migrations.RunPython(restore_sqlite_search_triggers, migrations.RunPython.noop),
        migrations.RunPython(strip_stored_control_characters, migrations.RunPython.noop),
    ]
