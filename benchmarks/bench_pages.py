"""``make bench``'s entry for :mod:`benchmarks.pages` (the main pages' JSON bytes and times)."""

from __future__ import annotations

import os
from pathlib import Path

from benchmarks import pages


def run(quick: bool = False) -> list[dict]:
    """The pages' figures without each page's list of API calls (kept by ``--json``); skipped
    with a message when there is no full demo to serve (``BENCH_PAGES_DATA``)."""
    data = Path(os.environ.get("BENCH_PAGES_DATA", "/tmp/demo-s4b"))
    if not (data / "qingshan.db").exists():
        print(f"bench_pages: no demo data dir at {data} (BENCH_PAGES_DATA; `qingshan demo "
              "--build-only` builds one): skipped")  # fmt: skip
        return []
    return [{k: v for k, v in r.items() if k != "api"} for r in pages.run(quick)]
