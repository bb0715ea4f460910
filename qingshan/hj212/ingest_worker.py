"""Journal → store ingest in its own process, so that it never competes with the listener's
event loop for the GIL.

:func:`qingshan.hj212.service.run_listener` starts ``python -m qingshan.hj212.ingest_worker``
and talks to it over pipes, one JSON line each way:

- first line in: ``{"journal_dir", "db_url", "store_root", "compression", "append_compression"}``
  (the database URL travels on the pipe, not on the command line);
- then per request: ``{"upto": [segment, offset], "limit": n}`` → ``{"records", "packets",
  "rows", "skipped", "position"}`` or ``{"error": "..."}``.

End of input ends the worker (after the batch in hand). :class:`JournalIngestor` serialises
batches with a file lock, so a worker left over from a killed listener and the restarted
listener's replay never ingest the same records twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from dataclasses import asdict
from pathlib import Path

log = logging.getLogger("qingshan.hj212.ingest")


def main() -> int:
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s"
    )
    first = sys.stdin.readline()
    if not first:
        return 0
    config = json.loads(first)
    from qingshan.db.engine import make_engine
    from qingshan.ingest.hj212 import JournalIngestor
    from qingshan.timeseries.store import ObservationStore

    engine = make_engine(config["db_url"])
    store = ObservationStore(
        Path(config["store_root"]),
        compression=config.get("compression", "zstd"),
        append_compression=config.get("append_compression", "snappy"),
    )
    ingestor = JournalIngestor(Path(config["journal_dir"]), engine, store)
    out = sys.stdout
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        request = json.loads(line)
        try:
            upto = request.get("upto")
            result = ingestor.run_once(
                int(request.get("limit", 50_000)), None if upto is None else tuple(upto)
            )
            reply = asdict(result)
        except Exception as exc:  # reported to the listener, which logs it and retries
            log.exception("ingest failed")
            reply = {"error": f"{type(exc).__name__}: {exc}"[:2000]}
        out.write(json.dumps(reply) + "\n")
        out.flush()
    engine.dispose()
    return 0


class IngestProcess:
    """The listener's handle on an ingest worker process (started lazily, restarted after a
    failure)."""

    def __init__(self, config: dict) -> None:
        self.config = config
        self._proc: asyncio.subprocess.Process | None = None

    async def _start(self) -> asyncio.subprocess.Process:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "qingshan.hj212.ingest_worker",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write((json.dumps(self.config) + "\n").encode())
        await proc.stdin.drain()
        ready = await proc.stdout.readline()
        if not ready:
            await proc.wait()
            raise RuntimeError(f"ingest worker exited with {proc.returncode} on start")
        return proc

    async def run_once(self, upto, limit: int = 50_000) -> dict:
        """One ingest batch up to ``upto`` in the worker; raises if the worker failed."""
        if self._proc is None or self._proc.returncode is not None:
            self._proc = await self._start()
        proc = self._proc
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write((json.dumps({"upto": list(upto), "limit": limit}) + "\n").encode())
            await proc.stdin.drain()
            line = await proc.stdout.readline()
        except (OSError, ConnectionError) as exc:
            await self.close()
            raise RuntimeError(f"ingest worker lost: {exc}") from exc
        if not line:
            await self.close()
            raise RuntimeError("ingest worker exited")
        reply = json.loads(line)
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply

    async def close(self) -> None:
        """End the worker (it finishes the batch in hand) and wait for it."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.stdin is not None and not proc.stdin.is_closing():
            proc.stdin.close()
        try:
            await asyncio.wait_for(proc.wait(), 120)
        except TimeoutError:
            proc.kill()
            await proc.wait()


if __name__ == "__main__":
    raise SystemExit(main())
