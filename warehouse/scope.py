"""Regions under a code, in SQL: the one fragment every region filter and silence match uses.

A code covers the codes that start with it once its trailing "00" pairs are dropped (000000 covers
everything, 654300 the prefecture and its counties, 654300-KNS only itself): the same rule as
`triggers.jurisdictions.prefix`, written in SQL. The fragments are plain SQL
with a named parameter, so replica readers that open DuckDB without our macros can use them too.
"""

_STRIP = "regexp_replace({code}, '(00)+$', '')"


def prefix_sql(code: str) -> str:
    """Return SQL for the prefix every region under `code` (a column or `$param`) starts with."""
    return _STRIP.format(code=code)


def under(column: str, param: str) -> str:
    """Return SQL true when `column` lies under `$param`, or when `$param` is NULL (everything)."""
    return f"(${param} IS NULL OR starts_with({column}, {prefix_sql('$' + param)}))"


def related(column: str, param: str) -> str:
    """Return SQL true when `column` lies under `$param` or contains it (NULL: everything).

    A county user sees the jurisdictions that contain their county as well as what lies in it.
    """
    return (
        f"(${param} IS NULL OR starts_with({column}, {prefix_sql('$' + param)})"
        f" OR starts_with(${param}, {prefix_sql(column)}))"
    )


def matches(column: str, prefix_column: str) -> str:
    """Return SQL true when `column` lies under the code or prefix stored in `prefix_column`.

    Silences store a prefix (6543) or a code as typed (654300): both cover the same regions.
    """
    return f"starts_with({column}, {prefix_sql(prefix_column)})"
