"""Writing the same fields of many saved rows at once.

Django's `bulk_update` builds one `CASE WHEN id = ... THEN ...` expression per field over
the whole batch: for enrichment's batches of 8 articles and 8 fields that took about 1 ms
of CPU an article to build (measured on 320 articles, 2026-11-27), 6 % of enrichment,
against 0.06 ms for one prepared `UPDATE ... WHERE id = %s` run for every row
(`executemany`), which the database drivers of SQLite and PostgreSQL both take as is."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import Model


def write_fields(rows: Sequence[Model], fields: Sequence[str]) -> None:
    """Write `fields` of each of `rows` (saved instances of one model), values as they
    stand on the instances, converted by each field as `save()` would convert them."""
    if not rows:
        return
    meta = rows[0]._meta
    chosen = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(meta.db_table)} SET "
           + ", ".join(f"{quote(field.column)} = %s" for field in chosen)
           + f" WHERE {quote(meta.pk.column)} = %s")
    params = [[field.get_db_prep_save(getattr(row, field.attname), connection)
               for field in chosen] + [row.pk] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
