"""Fleet questions a team lead asks, answered in SQL over the `jobs` table of the store.

Every function takes a DuckDB connection and a `FleetFilter` and returns a pandas DataFrame or a small
dataclass; `fleet_summary` answers all of them for one filter state (what the Fleet page and the benchmark
call). All SQL of the fleet views lives in this package: `index` (the compact copy of the jobs every view
reads), `blocks` (the relations the views share), `views` (the views themselves and `fleet_summary`),
`changes` (what changed against the previous period), `incident_detection` (VMs that start failing together), `gaps`
(VMs without any job in the period),
`filters` (`FleetFilter`) and `sql` (literals and keys).

Definitions (the same everywhere):

* **Scope.** A job is in scope when its start time is in `[start, end)` and it matches every non-empty
  filter field (subscription ids, vault names, regions, OS types, operations, statuses). Times are naive UTC.
* **VM.** A VM is identified by its ARM id; jobs whose source gave no VM id fall back to
  `<vault id>/<lower-cased VM name>`, and jobs with neither are counted as jobs but never as a VM.
  Name, vault, subscription, region and OS of a VM are those of its latest job in scope.
* **Error code.** The string code name, else the integer code as text; a failed job with neither is
  grouped by its raw message. Unknown codes keep their raw message and the category "unknown".
* **Success rate** = (Completed + CompletedWithWarnings) / (Completed + CompletedWithWarnings + Failed).
  Cancelled and still-running jobs are neither a success nor a failure; no finished job gives None.
* **Backup history of a VM.** All its finished backups (operation Backup, status Completed,
  CompletedWithWarnings or Failed), scheduled or on-demand, ordered by start time. The filters choose which
  VMs are in scope, not which of their backups count (a streak needs the successes that end it, and a VM
  that moved vault keeps its history); histories look back before `start` but never past `end`.
* **Run.** A maximal stretch of failed backups in a VM's history; the next successful backup ends it (a
  success starting at the very same moment as a failure counts as after it). A job without a trigger flag
  counts as scheduled. A **failure streak** counts the *scheduled* failed backups of a run:
  `current_streak` is that of the run still open at the end of the period, `longest_streak` the largest
  among runs with a failure in the period (or still open).
* **Time to recover** of a run = start of the success that ends it − start of its first failure, for runs
  whose first failure is in the period, attributed to the error code of that first failure.
* **Last success** = start time (the recovery point) of the latest successful backup that started before
  the end of the period (or before `now` for the RPO breach).

How: the first query on a connection builds a compact copy of the jobs table (the *fleet index*: integer
VM keys, enum-coded filter columns, sorted by start time, and every failed backup already placed between
the successes around it) in temporary tables, and rebuilds it only when the store's data version changes.
Each view is then one SQL statement over a few shared relations ("blocks"); a view on its own inlines the
blocks it needs as CTEs, `fleet_summary` materialises them once per filter state so that the index is
scanned a handful of times rather than once or more per view. The index reads the row ids of `jobs`, so
`jobs` must be a table.
"""
from __future__ import annotations

from loaders.jobs.queries.changes import (
    CODE_CHANGE_COLUMNS,
    FALLING,
    GONE,
    NEW,
    RECOVERED,
    RISING,
    SIGNIFICANCE_Z,
    STARTED,
    STEADY,
    VM_CHANGE_COLUMNS,
    error_code_changes,
    vm_changes,
)
from loaders.jobs.queries.filters import FleetFilter
from loaders.jobs.queries.gaps import GAP_COLUMNS, protection_gaps
from loaders.jobs.queries.incident_detection import INCIDENT_COLUMNS, MIN_VMS, SPIKE_Z, incidents
from loaders.jobs.queries.index import INDEX_TABLES, drop_index
from loaders.jobs.queries.views import (
    DAILY_RATE_COLUMNS,
    RPO_COLUMNS,
    STREAK_COLUMNS,
    TIME_TO_RECOVER_COLUMNS,
    TOP_ERROR_COLUMNS,
    TOP_FAILING_COLUMNS,
    FilterOptions,
    FleetSummary,
    Kpis,
    daily_failures_by_category,
    daily_success_rate,
    daily_trend,
    failure_heatmap,
    failure_streaks,
    failures_by_location,
    filter_options,
    fleet_summary,
    kpis,
    rpo_breach,
    time_to_recover,
    top_error_codes,
    top_failing_vms,
)

__all__ = [
    "CODE_CHANGE_COLUMNS",
    "FALLING",
    "GAP_COLUMNS",
    "GONE",
    "INCIDENT_COLUMNS",
    "MIN_VMS",
    "NEW",
    "RECOVERED",
    "RISING",
    "SIGNIFICANCE_Z",
    "SPIKE_Z",
    "STARTED",
    "STEADY",
    "VM_CHANGE_COLUMNS",
    "error_code_changes",
    "incidents",
    "protection_gaps",
    "vm_changes",
    "DAILY_RATE_COLUMNS",
    "INDEX_TABLES",
    "RPO_COLUMNS",
    "STREAK_COLUMNS",
    "TIME_TO_RECOVER_COLUMNS",
    "TOP_ERROR_COLUMNS",
    "TOP_FAILING_COLUMNS",
    "FilterOptions",
    "FleetFilter",
    "FleetSummary",
    "Kpis",
    "daily_failures_by_category",
    "daily_success_rate",
    "daily_trend",
    "drop_index",
    "failure_heatmap",
    "failure_streaks",
    "failures_by_location",
    "filter_options",
    "fleet_summary",
    "kpis",
    "rpo_breach",
    "time_to_recover",
    "top_error_codes",
    "top_failing_vms",
]
