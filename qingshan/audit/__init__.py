"""Audit trail: who changed what, when, from what to what."""

from qingshan.audit.log import acting_as, current_actor

__all__ = ["acting_as", "current_actor"]
