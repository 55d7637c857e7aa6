"""Every URL pattern of the site, read from the resolver, for tests that must cover them all.

A test that walks these cannot forget a view added later: the new route shows up here, and
the test either checks it the generic way or fails until someone says how to check it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


@dataclass(frozen=True)
class Route:
    """One pattern, with its prefix: `template` is e.g. "review/<uuid:review_id>/"."""

    template: str
    name: str  # "namespace:name", or "" for an unnamed pattern
    params: Mapping[str, str]  # argument → converter ("uuid", "int", "path", "str", "regex")

    @property
    def is_admin(self) -> bool:
        return self.template.startswith("admin/")

    @property
    def is_api(self) -> bool:
        return self.template.startswith("api/")

    def __str__(self) -> str:
        return f"/{self.template} ({self.name or 'unnamed'})"

    def path(self, values: Mapping[str, object] | None = None) -> str:
        """A concrete path: given values, else a made-up one of the right type."""
        values = values or {}

        def fill(name: str, converter: str) -> str:
            if name in values:
                return str(values[name])
            if converter == "uuid":
                return str(uuid.uuid4())
            if converter == "int":
                return "1"
            return "1" if converter in ("str", "path", "slug") else "x"

        path = _ROUTE_PARAM.sub(lambda m: fill(m["name"], m["converter"] or "str"), self.template)
        path = _REGEX_GROUP.sub(lambda m: fill(m["name"], "regex"), path)
        return "/" + path.replace("^", "").replace("$", "")


def _walk(
    patterns: Sequence[URLPattern | URLResolver], prefix: str, namespace: str
) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace or "") if part)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            continue
        pattern = entry.pattern
        template = prefix + str(pattern)
        if isinstance(pattern, RoutePattern):
            params = {m["name"]: m["converter"] or "str" for m in _ROUTE_PARAM.finditer(template)}
        elif isinstance(pattern, RegexPattern):
            params = {
                **{m["name"]: m["converter"] or "str" for m in _ROUTE_PARAM.finditer(prefix)},
                **dict.fromkeys(pattern.regex.groupindex, "regex"),
            }
        else:  # pragma: no cover - Django has only these two
            raise TypeError(f"unknown pattern type {type(pattern)} at {template}")
        name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
        yield Route(template=template, name=name, params=params)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns, "", ""))
