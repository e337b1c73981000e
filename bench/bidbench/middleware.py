"""Bench only: what a request cost the server, for bids_bench.py's --queries and --profile.

`QueryCount` (BENCH_COUNT_QUERIES=1) answers each request with the header X-Bench-Queries, the
SQL statements it ran (DEBUG is off, so they are counted by an execute wrapper, not kept).
`Profile` (BENCH_PROFILE_DIR=...) runs each request under cProfile and writes each server
process's accumulated profile to that folder as <pid>.prof every 20 requests; read them with
`python -m pstats`. Gunicorn's sync workers serve one request at a time, so what a process
counts over a request is that request's."""

import cProfile
import os
from pathlib import Path

from django.db import connections


class QueryCount:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counted = [0]

        def count(execute, sql, params, many, context):
            counted[0] += 1
            return execute(sql, params, many, context)

        with connections["default"].execute_wrapper(count):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(counted[0])
        return response


class Profile:
    def __init__(self, get_response):
        self.get_response = get_response
        self.folder = Path(os.environ["BENCH_PROFILE_DIR"])
        self.profiler = cProfile.Profile()
        self.requests = 0

    def __call__(self, request):
        self.profiler.enable()
        try:
            return self.get_response(request)
        finally:
            self.profiler.disable()
            self.requests += 1
            if self.requests % 20 == 0:
                self.profiler.dump_stats(self.folder / f"{os.getpid()}.prof")
