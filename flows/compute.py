"""Where a run's CPU stages run: the local process pool (the default) or a Dask cluster.

The CPU stages are Prefect tasks of plain data, one per batch: `clean-and-detect-language` (clean, language,
fingerprints) and `extract-events`. `Cpu.submit` hands one to the run's runner:

- no Dask address: the flow's own thread runner; the task gives its batch to the local spawn pool
  (tasks/parallel.py), as it always has;
- `tcp://host:port` or `local:N` (settings.dask_address): prefect-dask's DaskTaskRunner, entered for the run
  (connected to that scheduler, or a LocalCluster of N single-threaded worker processes started and closed by
  the run). The task run executes on a Dask worker, which is then the pool: `parallel.call` runs the stage there.

Fetching never leaves the flow process (its tasks hold the HTTP client and the robots state), nor does storing:
each batch's result comes back to the flow, which stores it once, in order. A worker that dies: Dask runs its
tasks again on the others; a batch that killed `allowed-failures` workers (KilledWorker) comes back as the
caller's `lost` value: the same `worker_died` skips the local pool gives, tried again next run.

The workers run Prefect's task engine and report the task runs to the flow's Prefect API, whose URL they get with
each task (an ephemeral API's too, which only workers on this machine reach: a remote cluster needs a Prefect
server, PREFECT_API_URL). Scheduler and workers need the flow's environment (sahelwatch installed): the scheduler
unpickles the tasks as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from prefect import Task
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.utilities.annotations import BaseAnnotation

from tasks import parallel
from tasks.errors import SahelwatchError
from tasks.settings import Settings

T = TypeVar("T")


class Cpu:
    """The runner of a run's CPU tasks: the flow's own (None) or a started DaskTaskRunner."""

    def __init__(self, runner: Any = None, api_url: str | None = None):
        self.runner, self.api_url = runner, api_url

    @property
    def remote(self) -> bool:
        return self.runner is not None

    def submit(self, task: Task, **parameters: Any) -> PrefectFuture:
        """A task run of `task` on this runner (parameters by name, all of them).

        (1) Dask takes a `quote(...)` (a tuple) apart into nested tuples: on the cluster the values go as they are."""
        if self.runner is None:
            return task.submit(**parameters)
        plain = {k: v.unwrap() if isinstance(v, BaseAnnotation) else v for k, v in parameters.items()}  # (1)
        with temporary_settings(updates={PREFECT_API_URL: self.api_url}):  # travels with the task's context
            return self.runner.submit(task, plain)

    def result(self, future: PrefectFuture, lost: Callable[[str], T]) -> T:
        """The task's result; `lost(detail)` when the cluster gave the batch up (it killed too many workers)."""
        if self.runner is None:
            return future.result()
        from distributed import KilledWorker

        try:
            return future.result()
        except KilledWorker as exc:
            return lost(f"dask worker died running the batch ({exc})"[:200])

    def slots(self) -> int:
        """How many batches run at once."""
        if self.runner is None:
            return parallel.workers()
        return max(1, sum(w["nthreads"] for w in self.runner.client.scheduler_info()["workers"].values()))


_current: ContextVar[Cpu] = ContextVar("sahelwatch_cpu", default=Cpu())  # noqa: B039 - Cpu() holds no state


def current() -> Cpu:
    """The runner of the CPU tasks of the run this thread belongs to (the local pool outside `cpu_for`)."""
    return _current.get()


def dask_runner(address: str):
    from prefect_dask import DaskTaskRunner

    if address.startswith("local:"):
        n = int(address.removeprefix("local:"))
        return DaskTaskRunner(cluster_kwargs={"n_workers": n, "threads_per_worker": 1, "processes": True,
                                              "dashboard_address": None})
    return DaskTaskRunner(address=address, client_kwargs={"timeout": "10s"})


def dask_cpu(address: str) -> Cpu:
    """A started DaskTaskRunner on `address`; an unreachable scheduler is one clear error, at once."""
    runner = dask_runner(address).__enter__()
    try:
        runner.client  # noqa: B018 - connects (or starts the LocalCluster)
    except (OSError, TimeoutError) as exc:
        runner.__exit__(None, None, None)
        raise SahelwatchError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    context = FlowRunContext.get()
    return Cpu(runner, str(context.client.api_url) if context else PREFECT_API_URL.value())


@contextmanager
def cpu_for(settings: Settings) -> Iterator[Cpu]:
    """The CPU runner of a run, current in this thread until the block ends (then a started cluster is closed)."""
    cpu = dask_cpu(settings.dask_address) if settings.dask_address else Cpu()
    token = _current.set(cpu)
    try:
        yield cpu
    finally:
        _current.reset(token)
        if cpu.runner is not None:
            cpu.runner.__exit__(None, None, None)
