"""Journal → store ingest in its own process, so that it never competes with the listener's
event loop for the GIL.

:func:`qingshan.ingest.runtime.run_listener` starts ``python -m qingshan.ingest.worker`` and
talks to it over pipes, one JSON line each way:

- first line in: ``{"journal_dir", "db_url", "store_root", "compression", "append_compression"}``
  (the database URL travels on the pipe, not on the command line);
- then per request: ``{"op": "ingest", "upto": [segment, offset], "limit": n}`` →
  ``{"records", "packets", "rows", "skipped", "position"}``; ``{"op": "flush", "status": …,
  "rejects": …, "retention": {"max_rows", "days"}}`` (status counters and rejects to the
  database, then the reject table cut to its retention); ``{"op": "devices"}`` → the
  device table; ``{"op": "commands", "updates", "claim", "claimer", "now"}`` → the platform's
  commands (:func:`~qingshan.hj212.command_service.sync_commands`). Any failure →
  ``{"error": "..."}``.

So every database and Parquet write of the intake happens in the worker: the listener's process
only frames, checks, journals and answers.

End of input ends the worker (after the batch in hand). :class:`JournalIngestor` serialises
batches with a file lock, so a worker left over from a killed listener and the restarted
listener's replay never ingest the same records twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Engine

from qingshan.db.engine import make_engine, session_scope
from qingshan.hj212.command_service import sync_commands
from qingshan.hj212.crc import CrcVariant
from qingshan.hj212.journal import Position
from qingshan.hj212.registry import (
    DeviceAuth,
    RejectRecord,
    RejectRetention,
    StatusDelta,
    load_device_table,
    write_rejects,
    write_status,
)
from qingshan.ingest.hj212 import JournalIngestor
from qingshan.timeseries.store import ObservationStore

log = logging.getLogger("qingshan.hj212.ingest")

#: one JSON object of the pipe protocol
Message = dict[str, Any]


def main() -> int:
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s"
    )
    first = sys.stdin.readline()
    if not first:
        return 0
    config = json.loads(first)
    try:  # batch work: the listener's answers come first when the cores are busy
        os.nice(int(config.get("nice", 5)))
    except OSError:
        pass
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
            reply = _serve(request, ingestor, engine)
        except Exception as exc:  # the process boundary: the listener logs it and retries
            log.exception("%s failed", request.get("op"))
            reply = {"error": f"{type(exc).__name__}: {exc}"[:2000]}
        out.write(json.dumps(reply) + "\n")
        out.flush()
    engine.dispose()
    return 0


def _serve(request: Message, ingestor: JournalIngestor, engine: Engine) -> Message:
    op = request.get("op")
    if op == "ingest":
        upto = request.get("upto")
        result = ingestor.run_once(
            int(request.get("limit", 50_000)), None if upto is None else (upto[0], upto[1])
        )
        return asdict(result)
    if op == "flush":
        deltas = {
            mn: cast(StatusDelta, _from_wire(d, _STATUS_TIMES))
            for mn, d in request["status"].items()
        }
        rejects = [cast(RejectRecord, _from_wire(r, _REJECT_TIMES)) for r in request["rejects"]]
        keep = request.get("retention")
        retention = None if keep is None else RejectRetention(**keep)
        with session_scope(engine) as session:
            write_status(session, deltas)
            pruned = write_rejects(session, rejects, retention)
        return {"ok": True, "pruned": pruned}
    if op == "devices":
        with session_scope(engine) as session:
            table = load_device_table(session)
        return {"devices": [[d.mn, d.password, sorted(d.variants), d.enabled, d.site_id,
                             d.key.hex() if d.key else None]
                            for d in table.values()]}  # fmt: skip
    if op == "commands":
        with session_scope(engine) as session:
            return sync_commands(
                session,
                request["updates"],
                request["claim"],
                request["claimer"],
                datetime.fromisoformat(request["now"]),
            )
    raise ValueError(f"unknown op {op!r}")


_STATUS_TIMES = ("last_seen", "last_data_time")
_REJECT_TIMES = ("received_at",)


def _to_wire(record: Mapping[str, object], keys: tuple[str, ...]) -> Message:
    out = dict(record)
    for key in keys:
        value = out.get(key)
        if isinstance(value, datetime):
            out[key] = value.isoformat()
    return out


def _from_wire(record: Message, keys: tuple[str, ...]) -> Message:
    for key in keys:
        if record.get(key) is not None:
            record[key] = datetime.fromisoformat(record[key])
    return record


class IngestProcess:
    """The listener's handle on an ingest worker process (started lazily, restarted after a
    failure)."""

    def __init__(self, config: Message) -> None:
        self.config = config
        self._proc: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()
        self._retired: list[asyncio.subprocess.Process] = []

    async def _start(self) -> asyncio.subprocess.Process:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "qingshan.ingest.worker",
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

    async def _call(self, request: Message) -> Message:
        async with self._lock:  # one request in flight: replies come back in order
            if self._proc is None or self._proc.returncode is not None:
                self._proc = await self._start()
            proc = self._proc
            assert proc.stdin is not None and proc.stdout is not None
            try:
                proc.stdin.write((json.dumps(request) + "\n").encode())
                await proc.stdin.drain()
                line = await proc.stdout.readline()
            except (OSError, ConnectionError) as exc:
                await self._close()
                raise RuntimeError(f"ingest worker lost: {exc}") from exc
            except asyncio.CancelledError:
                # a reply may still come: this worker is out of step, let it finish and end
                self._retire()
                raise
            if not line:
                await self._close()
                raise RuntimeError("ingest worker exited")
        reply: Message = json.loads(line)
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply

    async def start(self) -> None:
        """Start the worker now (it is otherwise started by the first request)."""
        async with self._lock:
            if self._proc is None or self._proc.returncode is not None:
                self._proc = await self._start()

    async def run_once(self, upto: Position, limit: int = 50_000) -> Message:
        """One ingest batch up to ``upto`` in the worker; raises if the worker failed."""
        return await self._call({"op": "ingest", "upto": list(upto), "limit": limit})

    async def flush(
        self,
        status: Mapping[str, StatusDelta],
        rejects: list[RejectRecord],
        retention: RejectRetention | None = None,
    ) -> None:
        """Write status deltas and rejects (:func:`~qingshan.hj212.registry.write_status`,
        :func:`~qingshan.hj212.registry.write_rejects` with ``retention``)."""
        await self._call(
            {"op": "flush", "rejects": [_to_wire(r, _REJECT_TIMES) for r in rejects],
             "status": {mn: _to_wire(d, _STATUS_TIMES) for mn, d in status.items()},
             "retention": None if retention is None else asdict(retention)}
        )  # fmt: skip

    async def devices(self) -> dict[str, DeviceAuth]:
        """The device table (:func:`~qingshan.hj212.registry.load_device_table`)."""
        reply = await self._call({"op": "devices"})
        return {
            mn: DeviceAuth(mn, pw, frozenset(CrcVariant(v) for v in variants), enabled, site,
                           bytes.fromhex(key) if key else None)
            for mn, pw, variants, enabled, site, key in reply["devices"]
        }  # fmt: skip

    async def commands(
        self, updates: Sequence[Message], claim: Sequence[int], claimer: str, now: datetime
    ) -> Message:
        """One round of the platform's commands
        (:func:`~qingshan.hj212.command_service.sync_commands`)."""
        return await self._call(
            {"op": "commands", "updates": list(updates), "claim": list(claim),
             "claimer": claimer, "now": now.isoformat()}
        )  # fmt: skip

    def _retire(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.stdin is not None and not proc.stdin.is_closing():
                proc.stdin.close()
            self._retired.append(proc)

    async def close(self) -> None:
        """End the worker (it finishes the batch in hand) and wait for it."""
        async with self._lock:
            await self._close()
            for proc in self._retired:
                await proc.wait()
            self._retired.clear()

    async def _close(self) -> None:
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
