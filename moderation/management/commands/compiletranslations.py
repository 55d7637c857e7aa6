"""Compile the translation catalogs (.po) into the binary files Django reads (.mo).

The .mo files are build output, never committed: bin/lib.sh (so bin/dev, bin/test and CI),
the Dockerfile and the test suite run this before use. It is Django's `compilemessages`
without its need for GNU gettext: polib is pure Python. Catalogs whose .mo is newer than the
.po are skipped, so a run with nothing changed costs next to nothing.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polib  # type: ignore[import-untyped]
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


@dataclass
class CompileReport:
    compiled: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)


def catalogs(locale_dirs: Iterable[Path]) -> list[Path]:
    """Every <dir>/<language>/LC_MESSAGES/<domain>.po under the locale folders."""
    return sorted(po for folder in locale_dirs for po in Path(folder).glob("*/LC_MESSAGES/*.po"))


def compile_catalogs(locale_dirs: Iterable[Path], *, force: bool = False) -> CompileReport:
    report = CompileReport()
    for po in catalogs(locale_dirs):
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            report.skipped.append(po)
            continue
        try:
            catalog = polib.pofile(str(po), check_for_duplicates=True)
        except (OSError, ValueError) as exc:
            raise CommandError(f"{po}: {exc}") from exc
        # Written beside the target and renamed over it: a process reading the catalog (a
        # test run, a worker) never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=mo.parent, prefix=".", suffix=".mo")
        os.close(handle)
        try:
            catalog.save_as_mofile(temporary)
            os.chmod(temporary, 0o644)
            os.replace(temporary, mo)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        report.compiled.append(po)
    return report


class Command(BaseCommand):
    help = (
        "Compile every .po catalog under LOCALE_PATHS into its .mo file (pure Python, no GNU "
        "gettext needed); up-to-date catalogs are skipped unless --force."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="compile even catalogs whose .mo is up to date"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = compile_catalogs(
            [Path(folder) for folder in settings.LOCALE_PATHS], force=options["force"]
        )
        for po in report.compiled:
            self.stdout.write(f"compiled {po.with_suffix('.mo')}")
        if options["verbosity"] > 1:
            for po in report.skipped:
                self.stdout.write(f"up to date: {po.with_suffix('.mo')}")
