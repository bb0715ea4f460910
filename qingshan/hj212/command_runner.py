"""Delivering the platform's commands over a listener's live connections.

:class:`CommandRunner` sits beside a :class:`~qingshan.hj212.listener.Listener`. Every
``interval`` seconds, and as soon as a command changed, it reports the changes to the database
and learns which commands are queued (one call of ``sync``:
:func:`~qingshan.hj212.command_service.sync_commands`, through the ingest worker or a thread);
it claims those whose logger is connected *to this process*,
sends them and follows their answers in a :class:`~qingshan.hj212.commands.CommandBook`
(which the listener feeds with every frame of a waiting MN). Timeouts are checked every
``tick`` seconds, independently of the database round trip.

With several listener processes on one port (``SO_REUSEPORT``), each holds a share of the
loggers' connections and claims only the commands of its own: the claim is an ``UPDATE …
WHERE state = 'queued'``, so one process wins; a command no process can deliver before it
expires becomes ``undelivered``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from qingshan.hj212.commands import Command, CommandBook, CommandKind, request_frame
from qingshan.hj212.crc import CrcVariant
from qingshan.hj212.listener import Listener

log = logging.getLogger("qingshan.hj212.commands")

#: ``sync(updates, claim, claimer, now)`` → ``{"claimed": [...], "queued": [[id, mn], ...]}``
Sync = Callable[[Sequence[dict[str, Any]], Sequence[int], str, datetime], Awaitable[dict[str, Any]]]


class CommandRunner:
    """The commands of one listener process (see the module docstring)."""

    def __init__(self, listener: Listener, sync: Sync, *, claimer: str | None = None) -> None:
        self.listener = listener
        self.sync = sync
        self.book = CommandBook()
        listener.commands = self.book
        self.claimer = claimer or f"{socket.gethostname()}:{os.getpid()}"[:64]
        self._unsent: list[dict[str, Any]] = []  # updates a failed sync did not write

    def tick(self, now: datetime | None = None) -> None:
        """Timeouts: resend what waits for its 9011, time out what waited too long."""
        for mn, frame in self.book.tick(now or datetime.now(UTC)):
            self.listener.send_to(mn, frame)

    async def _sync(self, claim: Sequence[int], now: datetime) -> dict[str, Any]:
        updates = self._unsent + self.book.drain()
        try:
            reply = await self.sync(updates, claim, self.claimer, now)
        except BaseException:
            self._unsent = updates
            raise
        self._unsent = []
        return reply

    async def run_once(self, now: datetime | None = None) -> int:
        """One round: report changes, claim and send what this process can deliver.
        Returns how many commands were sent."""
        now = now or datetime.now(UTC)
        self.tick(now)
        reply = await self._sync((), now)
        chosen, seen = [], set()
        for command_id, mn in reply["queued"]:
            if mn in seen or self.book.busy(mn) or self.listener.station_of(mn) is None:
                continue  # one at a time per logger, and only loggers connected here
            seen.add(mn)
            chosen.append(int(command_id))
        if not chosen:
            return 0
        now = datetime.now(UTC)
        reply = await self._sync(chosen, now)
        for data in reply["claimed"]:
            self.start(data, now)
        return len(reply["claimed"])

    def start(self, data: dict[str, Any], now: datetime) -> Command:
        """Send a claimed command (:func:`~qingshan.hj212.command_service.claim_commands`)."""
        mn = data["mn"]
        command = Command(
            id=int(data["id"]), mn=mn, kind=CommandKind(data["kind"]), cn=data["cn"],
            params=dict(data["params"]), overtime=float(data["overtime"]),
            recount=int(data["recount"]),
        )  # fmt: skip
        command.qn = self.book.new_qn(mn, now)
        device = self.listener.devices.get(mn)
        variants = device.variants - {CrcVariant.HJ212} if device is not None else set()
        frame = request_frame(
            command, qn=command.qn, st=self.listener.station_of(mn) or data["st"],
            pw=data["password"], version=int(data["version"]), now=now,
            key=device.key if device is not None else None,
            variant=next(iter(variants), CrcVariant.HJ212),
        )  # fmt: skip
        self.book.start(command, frame, now)
        if not self.listener.send_to(mn, frame):  # gone since: resends go to a new connection
            log.info("command %d for MN=%s: no live connection at send time", command.id, mn)
        return command

    async def run(self, done: asyncio.Event, interval: float = 1.0, tick: float = 0.2) -> None:
        """Run until ``done`` is set; then give up the commands in flight and report them."""
        last = 0.0
        loop = asyncio.get_running_loop()
        while not done.is_set():
            try:
                await asyncio.wait_for(done.wait(), tick)
            except TimeoutError:
                pass
            self.tick()
            if loop.time() - last < interval and not self.book.changed:
                continue  # a change (an answer, a timeout) is reported at once
            last = loop.time()
            try:
                await self.run_once()
            except Exception:  # a supervisor loop: logged, retried next round
                log.exception("command sync failed; will retry")
        self.book.abandon(datetime.now(UTC), "the listener stopped")
        try:
            await self._sync((), datetime.now(UTC))
        except Exception:
            log.exception("could not report the commands in flight at stop")
