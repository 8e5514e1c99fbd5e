"""The registry of workload kinds: each kind is one descriptor in its own module (``WorkloadKind``).

``resolve()`` turns them into ``Plan.workloads``; the connection budget, the notes and the diagram read
that, and the chart builds each kind's constructs through its ``construct`` hook. Adding a kind is its module
here, its construct (with its ``from_plan``) in ``components/``, and its line below.
"""

from __future__ import annotations

from ._kind import BudgetTerm, WorkloadKind, WorkloadPlan
from .beat import BEAT
from .cron import CRON
from .migrate import MIGRATE
from .seed import SEED
from .shell import SHELL
from .web import WEB
from .worker import WORKER

__all__ = ["WORKLOAD_KINDS", "BudgetTerm", "WorkloadKind", "WorkloadPlan"]

# The registry, in the order the manifests, the notes and the diagram list them.
WORKLOAD_KINDS: tuple[WorkloadKind, ...] = (MIGRATE, WEB, WORKER, BEAT, SEED, SHELL, CRON)
