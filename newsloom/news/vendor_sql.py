"""Raw SQL that differs per database, for the search-index migrations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def per_vendor(statements: dict[str, list[str]]) -> Callable[[Any, Any], None]:
    """A RunPython operation running the statements listed for the connection's vendor
    (sqlite, postgresql); other databases get none."""
    def apply(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return apply
