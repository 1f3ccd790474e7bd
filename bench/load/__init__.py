"""Load benchmark (issue 7): a mixed workload driven over HTTP against one or two app
instances on PostgreSQL, and against one on SQLite.

    python -m bench.load [--db sqlite|postgres] [--instances 1|2] [--duration S] [--clients N]
    python -m bench.load --all     # SQLite × 1, PostgreSQL × 1, PostgreSQL × 2 behind nginx

The database is a copy of a base built once per data folder: `onething setup`, `onething
demo --cases 50000` (a year of history) and one sweep. Each instance is `onething serve
--workers 3 --sweep-every 15` on its own loopback port, all on one database; two are put
behind Debian's nginx (deploy/nginx.conf with the ports filled in, run as a child process
with its own prefix). PostgreSQL: ONETHING_BENCH_LOAD_POSTGRES (default
postgresql://postgres@127.0.0.1:5432/onething_load, and `…_base` for the base), both
dropped and recreated.

The workload (bench/load/driver.py, a separate process of client threads with keep-alive
connections, no pause between requests), by weight of each step: searches (the home
page's plain-language search, /?q=) 16, guide pages (/guides/<package>?answers) 16, the
guide API 8, applicants filing cases through the API with an Idempotency-Key 7 (one in
ten sent twice, as a client retries), the window clerk accepting a filed case 7,
reviewers taking the first workable task of their work list and claiming and approving
it 8 (three requests), applicants reading a case through the API 8 and as a page 6, and
their case list 4, the clerk's queue 3, a reviewer's work-list page 4.

Reported: per request type count, rate, p50/p99 latency and errors; CPU seconds and peak
memory of each instance's web processes and sweep and of nginx, PostgreSQL's CPU, read from
/proc. Then the checks: the audit trail since the run began against what the driver saw
confirmed (cases filed, accepted, tasks claimed and approved: each exactly once, none
lost), and every notification of the run delivered exactly once (outbox row delivered
with one attempt, and one delivery in the log of bench/load/sender.py, whichever
instance's sweep sent it). --profile routes|cprofile shows where the workers' time goes
(bench/load/profiling.py).

The app's processes import onething as this process does: to measure a commit while the
working tree changes, `git archive COMMIT src | tar -x -C DIR` and run with
PYTHONPATH=DIR/src.
"""
