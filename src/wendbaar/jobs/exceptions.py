"""Errors the job queue records on a job itself (they appear in `TaskResult.errors`)."""


class WorkerLostError(Exception):
    """The worker running a job stopped renewing its lease (it crashed or was killed)."""
