"""The API's request parsers: DRF's, except that JSON nested too deeply for Python's decoder is
a 400 like any other unreadable body, never a 500.

`json.loads` raises RecursionError (not ValueError, which DRF turns into a 400) past about a
thousand levels of `[` or `{`; an anonymous request could otherwise make a 500 at will.
Catching it here, where only the decoder runs, cannot hide a RecursionError from a real bug.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(gettext("JSON parse error - nested too deeply")) from None
