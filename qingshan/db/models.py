"""Import every model so that ``Base.metadata`` is complete (Alembic, tests)."""

from qingshan.accounts.models import User  # noqa: F401
from qingshan.archive.models import Enterprise, Permit, PermitLimit  # noqa: F401
from qingshan.audit.models import AuditLog  # noqa: F401
from qingshan.db.base import Base
from qingshan.geo.models import Region  # noqa: F401
from qingshan.hj212.models import Device, DeviceStatus, Reject  # noqa: F401
from qingshan.jobs.models import JobRun  # noqa: F401
from qingshan.monitoring.models import LatestValue, Parameter, Series, Site  # noqa: F401
from qingshan.qc.models import QCEvent, QCJudgement, QCMark, SupervisionCase  # noqa: F401
from qingshan.sim.models import InjectedFault  # noqa: F401

metadata = Base.metadata

import qingshan.audit.log  # noqa: E402,F401  (registers the audit listener)
