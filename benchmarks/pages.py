"""The dashboard's main pages on the full demo: the JSON each page fetches to draw, and how
fast it comes under load (issue #14, "Performance").

For each page and account (province, 杭州 city, 西湖区 county):

1. **In Chromium** (Debian's ``chromium`` driven by Playwright, signed in by the login API's
   cookie): the page is opened once to warm the server, then again while its network events
   are recorded — every GET under ``/api/v1`` the page's scripts make (fetch/XHR, the map's
   GeoJSON included), the JSON bytes it decodes (and, fetched again by httpx accepting gzip,
   the bytes over the wire), and ``drawn``: the time from the start of the navigation until
   the page marks itself drawn (``data-ready`` set on an element, observed by a
   ``MutationObserver``; a page without the mark counts until its last API answer is in, shown
   with ``*``).
2. **Under load**, 20 concurrent clients (``--clients``) for ``--seconds`` each (the harness
   of ``bench_cases``: httpx/asyncio, keep-alive connections, ``Accept-Encoding: gzip`` as a
   browser sends it), each client sending its next request as soon as the answer is in: the
   page itself (its HTML, by the login cookie), then the page's API calls together, as the
   browser sends them — p50/p95 of the time until the page's last answer is in.

The server is ``uvicorn --factory qingshan.platform.app:create_app`` (2 workers) on a copy of
the demo data dir (``--data-dir``, default ``/tmp/demo-s4b`` or ``$BENCH_PAGES_DATA``; build one
with ``qingshan demo --build-only`` or ``make run``). ``--baseline REV`` also serves the package
as it was at commit ``REV`` (``git archive``, no checkout) and measures it first, in the same
run: the "before" beside the "after". The load average is sampled every second during each.

Goals (issue #14): every page's data in < 1 s p95 on the full demo, no page over 300 kB of
JSON. Run alone: ``python -m benchmarks.pages [--baseline REV] [--quick] [--data-dir DIR]``;
within ``make bench`` as ``pages`` (``BENCH_PAGES_BASELINE``, ``BENCH_PAGES_DATA``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from benchmarks.bench_cases import ROOT, _load, _pct, server

PASSWORD = "qingshan-demo"
JSON_BUDGET = 300_000  # bytes of JSON per page (issue #14)
TIME_BUDGET_MS = 1000.0  # p95 of a page's data (issue #14)
#: the main pages (path, accounts): the demo's sites — 西溪 (西湖区's national air station),
#: 小金山 (a 杭州 section), a 西湖区 enterprise and its outlet
PAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("/map", ("province", "hangzhou", "xihu")),
    ("/water", ("province", "hangzhou", "xihu")),
    ("/air/stations/1224A", ("province",)),
    ("/air/cities/330100", ("province",)),
    ("/water/sections/N330100W01", ("province",)),
    ("/water/basins/钱塘江流域", ("province", "hangzhou")),
    ("/freshness", ("province", "hangzhou")),
    ("/enterprises", ("province", "hangzhou", "xihu")),
    ("/enterprises/48", ("province",)),
    ("/qc/outlets/91330106881415045B-DA001", ("province",)),
    ("/cases", ("province", "hangzhou", "xihu")),
    ("/cases/stats", ("province",)),
    ("/credit", ("province",)),
    ("/spot-checks", ("province",)),
    ("/devices", ("province",)),
    ("/admin/jobs", ("province",)),
    ("/screen", ("province", "hangzhou", "xihu")),  # measured where it exists
)
#: records when the page marks itself drawn (performance.now() of the last data-ready="1")
READY_SCRIPT = """
window.__qsReady = null;
new MutationObserver(function (list) {
  for (var m of list) {
    if (m.target.getAttribute && m.target.getAttribute("data-ready") === "1") {
      window.__qsReady = performance.now();
    }
  }
}).observe(document, {attributes: true, attributeFilter: ["data-ready"], subtree: true});
"""


@contextmanager
def load_average() -> Iterator[list[float]]:
    """The 1-minute load average sampled every second while the block runs."""
    samples: list[float] = [os.getloadavg()[0]]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(1.0):
            samples.append(os.getloadavg()[0])

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    try:
        yield samples
    finally:
        stop.set()
        t.join()


def browse(base: str, quick: bool, only: tuple[str, ...] = ()) -> dict[tuple[str, str], dict]:
    """Each page opened in Chromium per account: its API calls, JSON and wire bytes, drawn-in."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        raise SystemExit("bench pages: Debian's chromium is needed (apt-get install chromium)")
    out: dict[tuple[str, str], dict] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=executable, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        for user in ("province", "hangzhou", "xihu"):
            ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
            ctx.add_init_script(READY_SCRIPT)
            r = ctx.request.post(
                f"{base}/api/v1/auth/login", form={"username": user, "password": PASSWORD}
            )
            assert r.ok, r.text()
            page = ctx.new_page()
            for path, users in PAGES:
                if user not in users or (quick and user != "province"):
                    continue
                if only and not any(path.startswith(o) for o in only):
                    continue
                page.goto(base + path, wait_until="networkidle", timeout=120_000)  # warm
                calls: list = []

                def record(resp, calls=calls) -> None:
                    req = resp.request
                    if (
                        "/api/v1/" in resp.url
                        and req.method == "GET"
                        and (req.resource_type in ("fetch", "xhr"))
                    ):
                        calls.append(resp)

                page.on("response", record)
                status = page.goto(base + path, wait_until="networkidle", timeout=120_000)
                page.remove_listener("response", record)
                if status is None or status.status == 404:
                    continue
                api = []
                for resp in calls:
                    u = urlsplit(resp.url)
                    api.append((u.path + (f"?{u.query}" if u.query else ""), len(resp.body())))
                ready = page.evaluate("window.__qsReady")
                last = page.evaluate(  # the last API answer in, or the document if none
                    "Math.max(performance.getEntriesByType('navigation')[0]"
                    ".domContentLoadedEventEnd, ...performance.getEntriesByType('resource')"
                    ".filter(e => e.name.includes('/api/v1/')).map(e => e.responseEnd))"
                )
                out[(path, user)] = {
                    "paths": tuple(a[0] for a in api),
                    "api": api,
                    "json_bytes": sum(a[1] for a in api),
                    "drawn_ms": ready if ready is not None else last,
                    "marked": ready is not None,
                }
            ctx.close()
        browser.close()
    return out


def wire_bytes(base: str, token: str, path: str) -> int:
    """The bytes of ``path``'s answer over the wire to a client accepting gzip (the browser's
    own count says nothing for an answer its cache gave)."""
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"}
    with httpx.stream("GET", base + path, headers=headers, timeout=120) as r:
        return sum(len(chunk) for chunk in r.iter_raw())


def measure(
    data_src: Path, code: Path, label: str, clients: int, seconds: float, quick: bool,
    only: tuple[str, ...] = (),
):  # fmt: skip
    """Serve a copy of ``data_src`` with the package in ``code``; browse and load every page."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="qingshan-bench-pages.") as tmp:
        data = Path(tmp) / "demo"
        shutil.copytree(data_src, data)
        url = f"sqlite:///{data / 'qingshan.db'}"
        env = {"QINGSHAN_DEMO": "1"}
        with load_average() as loads, server(url, data, 2, env, code) as base:
            pages = browse(base, quick, only)
            tokens, cookies = {}, {}
            for user in ("province", "hangzhou", "xihu"):
                r = httpx.post(
                    f"{base}/api/v1/auth/login", data={"username": user, "password": PASSWORD}
                )
                r.raise_for_status()
                tokens[user] = r.json()["access_token"]
                cookies[user] = "; ".join(f"{k}={v}" for k, v in r.cookies.items())
            for (path, user), p in pages.items():
                p["wire_bytes"] = sum(wire_bytes(base, tokens[user], a) for a in p["paths"])
                cookie = {"Cookie": cookies[user]}  # the pages read the login cookie
                doc, doc_errors, _ = asyncio.run(
                    _load(base, tokens[user], path, clients, seconds, False, cookie)
                )
                lat, errors, _ = (
                    asyncio.run(_load(base, tokens[user], p["paths"], clients, seconds, False))
                    if p["paths"]
                    else ([], 0, 0.0)
                )
                rows.append(
                    {
                        "version": label, "page": path, "user": user, "calls": len(p["paths"]),
                        "json_bytes": p["json_bytes"], "wire_bytes": p["wire_bytes"],
                        "doc_p50_ms": _pct(doc, 50), "doc_p95_ms": _pct(doc, 95),
                        "p50_ms": _pct(lat, 50), "p95_ms": _pct(lat, 95),
                        "drawn_ms": round(p["drawn_ms"]), "marked": p["marked"],
                        "loads": len(lat), "errors": errors + doc_errors, "api": p["api"],
                    }
                )  # fmt: skip
        la = sorted(loads)
        print(
            f"bench pages [{label}]: load average {la[0]:.1f}–{la[-1]:.1f} "
            f"(median {statistics.median(la):.1f}) over {len(la)} s, {os.cpu_count()} cores"
        )
        for r in rows:
            r["load_avg_median"] = round(statistics.median(la), 1)
    return rows


@contextmanager
def checkout(rev: str) -> Iterator[Path]:
    """The package as it was at ``rev`` in a temporary directory (``git archive``)."""
    with tempfile.TemporaryDirectory(prefix="qingshan-bench-baseline.") as tmp:
        archive = subprocess.run(
            ["git", "archive", rev, "qingshan"], cwd=ROOT, check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        yield Path(tmp)


def table(rows: list[dict]) -> str:
    """The figures as a Markdown table, a baseline's beside the current where both ran."""

    def cell(r: dict | None) -> list[str]:
        if r is None:
            return ["—"] * 6
        star = "" if r["marked"] else "*"
        over = " ⚠" if r["json_bytes"] > JSON_BUDGET else ""
        slow = " ⚠" if r["p95_ms"] > TIME_BUDGET_MS else ""
        data = f"{r['p50_ms']:,.0f} / {r['p95_ms']:,.0f}{slow}" if r["calls"] else "—"
        return [
            str(r["calls"]), f"{r['json_bytes'] / 1000:,.1f}{over} ({r['wire_bytes'] / 1000:,.1f})",
            f"{r['doc_p50_ms']:,.0f} / {r['doc_p95_ms']:,.0f}", data,
            f"{r['drawn_ms']:,}{star}", str(r["errors"]),
        ]  # fmt: skip

    versions = list(dict.fromkeys(r["version"] for r in rows))
    head = ["page", "user"]
    for v in versions:
        head += [f"{v} calls", f"{v} JSON kB (wire)", f"{v} page p50/p95 ms",
                 f"{v} data p50/p95 ms", f"{v} drawn ms", f"{v} errors"]  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * 2 + " ---: |" * (len(head) - 2)]
    keys = list(dict.fromkeys((r["page"], r["user"]) for r in rows))
    by = {(r["version"], r["page"], r["user"]): r for r in rows}
    for page, user in keys:
        cells = [page, user]
        for v in versions:
            cells += cell(by.get((v, page, user)))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run(
    quick: bool = False, baseline: str | None = None, data_dir: str | None = None,
    clients: int | None = None, seconds: float | None = None, after: str | None = None,
    only: tuple[str, ...] = (),
) -> list[dict]:  # fmt: skip
    """Rows of figures per page, account and version (``make bench``'s entry point)."""
    baseline = baseline or os.environ.get("BENCH_PAGES_BASELINE") or None
    src = Path(data_dir or os.environ.get("BENCH_PAGES_DATA", "/tmp/demo-s4b"))
    if not (src / "qingshan.db").exists():
        raise SystemExit(f"bench pages: no demo data dir at {src} (--data-dir)")
    clients = clients or int(os.environ.get("BENCH_PAGES_CLIENTS", 20))
    seconds = seconds or float(os.environ.get("BENCH_PAGES_SECONDS", 2 if quick else 6))
    rows: list[dict] = []
    if baseline:
        with checkout(baseline) as code:
            rows += measure(src, code, "before", clients, seconds, quick, only)
    label = "after" if baseline else "now"
    if after:  # a commit rather than the working tree (others' unfinished edits left out)
        with checkout(after) as code:
            rows += measure(src, code, label, clients, seconds, quick, only)
    else:
        rows += measure(src, ROOT, label, clients, seconds, quick, only)
    print(table(rows))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", help="a commit to measure first, as the 'before'")
    parser.add_argument("--after", help="a commit to measure as the 'after' (default: the tree)")
    parser.add_argument("--data-dir", help="the demo data dir (copied; default /tmp/demo-s4b)")
    parser.add_argument("--clients", type=int, help="concurrent clients (default 20)")
    parser.add_argument("--seconds", type=float, help="seconds of load per page (default 6)")
    parser.add_argument("--pages", nargs="*", default=(), help="only pages starting so")
    parser.add_argument("--quick", action="store_true", help="province only, 2 s per page")
    parser.add_argument("--json", type=Path, help="write the rows (with each page's calls)")
    args = parser.parse_args()
    rows = run(
        args.quick, args.baseline, args.data_dir, args.clients, args.seconds, args.after,
        tuple(args.pages),
    )  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
