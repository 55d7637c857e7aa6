"""Single-statement writes the ORM cannot say: an UPDATE that returns the row it changed, and an
UPDATE whose success inserts other rows in the same statement (data-modifying CTEs).

A worker's pass over an item is a handful of round trips; each saved one is a commit, a
network wait and the ORM's own CPU (docs/BENCHMARKS.md, overhead per item). The statements
are compiled by Django's own compilers, so fields convert their values as they always do.

Both are PostgreSQL's. On any other database (SQLite, the development default) each does the
same in a few statements inside one transaction: the same rows change, all or nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, cast

from django.db import connections, models, transaction
from django.db.models.expressions import DatabaseDefault
from django.db.models.sql import UpdateQuery

M = TypeVar("M", bound=models.Model)


def _update_sql(queryset: models.QuerySet[Any], values: Mapping[str, Any]) -> tuple[str, list[Any]]:
    query = cast(UpdateQuery, queryset.query.chain(UpdateQuery))
    query.add_update_values(dict(values))
    sql, params = query.get_compiler(queryset.db).as_sql()
    return sql, list(params)


def _quote(name: str, using: str) -> str:
    return connections[using].ops.quote_name(name)


def update_returning(
    queryset: models.QuerySet[M],
    values: Mapping[str, Any],
    *,
    extra: Mapping[str, tuple[str, Sequence[Any]]] | None = None,
) -> M | None:
    """`queryset.update(**values)` on at most one row, returning that row as it is now (None if
    no row matched), with `extra` SQL expressions (evaluated against the updated table, e.g.
    subqueries) set as attributes on it."""
    model, using = queryset.model, queryset.db
    table = _quote(model._meta.db_table, using)
    columns: list[str] = [f"{table}.*"]
    params: list[Any] = []
    for name, (expression, expression_params) in (extra or {}).items():
        columns.append(f"({expression}) AS {_quote(name, using)}")
        params.extend(expression_params)
    manager = model._default_manager.db_manager(using)
    if not _is_postgresql(using):
        with transaction.atomic(using=using):
            pk = queryset.values_list("pk", flat=True).first()
            if pk is None or not queryset.filter(pk=pk).update(**values):
                return None
            where = f"{table}.{_quote(str(model._meta.pk.column), using)} = %s"
            select = f"SELECT {', '.join(columns)} FROM {table} WHERE {where}"  # noqa: S608 - names from the models; values bound
            pk_value = model._meta.pk.get_db_prep_value(pk, connections[using])
            return next(iter(manager.raw(select, [*params, pk_value])), None)
    sql, update_params = _update_sql(queryset, values)
    rows = list(manager.raw(f"{sql} RETURNING {', '.join(columns)}", [*update_params, *params]))
    return rows[0] if rows else None


def _is_postgresql(using: str) -> bool:
    return connections[using].vendor == "postgresql"


def insert_values(obj: models.Model, using: str) -> tuple[list[str], list[str], list[Any]]:
    """The columns, placeholders (typed, on PostgreSQL) and parameters that would insert `obj`
    (defaults and auto_now_add applied; an auto-increment key and unset database defaults left
    to the database)."""
    connection = connections[using]
    typed = _is_postgresql(using)
    columns, placeholders, params = [], [], []
    for field in obj._meta.local_concrete_fields:
        if isinstance(field, models.AutoField | models.BigAutoField | models.SmallAutoField):
            continue
        raw = field.pre_save(obj, add=True)
        if isinstance(raw, DatabaseDefault):
            continue  # a db_default the instance left unset: the database fills the column
        value = field.get_db_prep_save(raw, connection=connection)
        columns.append(_quote(field.attname if field.column is None else field.column, using))
        placeholders.append(f"%s::{field.cast_db_type(connection)}" if typed else "%s")
        params.append(value)
    return columns, placeholders, params


def update_then_insert(
    queryset: models.QuerySet[Any],
    values: Mapping[str, Any],
    rows: Sequence[models.Model | tuple[models.Model, str]],
) -> int:
    """`queryset.update(**values)` and, for each row it changed, an insert of each of `rows`, in
    one statement: all happen or none. Returns how many rows the update changed.

    A row may come with SQL to append to its INSERT (an `ON CONFLICT` clause). Rows are
    inserted without `save()`, so no signal is sent for them."""
    using = queryset.db
    if not _is_postgresql(using):
        return _update_then_insert_portable(queryset, values, rows)
    model = queryset.model
    sql, params = _update_sql(queryset, values)
    table = _quote(model._meta.db_table, using)
    parts = [f"changed AS ({sql} RETURNING {table}.{_quote(model._meta.pk.column, using)})"]
    for n, entry in enumerate(rows):
        row, suffix = entry if isinstance(entry, tuple) else (entry, "")
        columns, placeholders, row_params = insert_values(row, using)
        parts.append(
            f"inserted{n} AS (INSERT INTO {_quote(row._meta.db_table, using)} "  # noqa: S608 - names from the models; values bound
            f"({', '.join(columns)}) SELECT {', '.join(placeholders)} FROM changed {suffix})"
        )
        params.extend(row_params)
    with connections[using].cursor() as cursor:
        sql = f"WITH {', '.join(parts)} SELECT count(*) FROM changed"  # noqa: S608 - names from the models; values bound
        cursor.execute(sql, params)
        (count,) = cursor.fetchone()
    return int(count)


def _update_then_insert_portable(
    queryset: models.QuerySet[Any],
    values: Mapping[str, Any],
    rows: Sequence[models.Model | tuple[models.Model, str]],
) -> int:
    using = queryset.db
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        changed = queryset.update(**values)
        for _ in range(changed):
            for entry in rows:
                row, suffix = entry if isinstance(entry, tuple) else (entry, "")
                columns, placeholders, params = insert_values(row, using)
                cursor.execute(
                    f"INSERT INTO {_quote(row._meta.db_table, using)} "  # noqa: S608 - names from the models; values bound
                    f"({', '.join(columns)}) VALUES ({', '.join(placeholders)}) {suffix}",
                    params,
                )
    return changed
