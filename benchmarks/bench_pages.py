"""``make bench``'s entry for :mod:`benchmarks.pages` (the main pages' JSON bytes and times)."""

from __future__ import annotations

from benchmarks import pages


def run(quick: bool = False) -> list[dict]:
    """The pages' figures without each page's list of API calls (kept by ``--json``)."""
    return [{k: v for k, v in r.items() if k != "api"} for r in pages.run(quick)]
