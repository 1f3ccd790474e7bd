"""Peer comparison (issue 7, point 4): the 我要开药店 case lifecycle by the project and by
SpiffWorkflow, the Python BPMN engine, in one run on one machine and one kind of database.

The project: `bench.cases_bench.service_lifecycles` — file, accept, the 7 tasks each claimed
and approved along their dependencies, hand over — through the real service layer (forms
checked, deadlines, audit trail, outbox, signed certificates on approval).

SpiffWorkflow: open_pharmacy.bpmn (the same package as a BPMN model: file, accept,
business_registration, a parallel gateway over the six items after it, hand over) driven as
a server would: every user task gets its record (actor, time, the filing or the decision
note) in its task data, department tasks are claimed (a recorded step that completes
nothing) and then approved, and after each of the 17 steps the workflow is serialized with
BpmnWorkflowSerializer and upserted into its instance row, with an audit row, in one
transaction — on the project's database (SQLite in WAL with the project's pragmas, or
PostgreSQL). Two more figures, labelled: a stateless server that also reads the workflow
back from its row before each step, and SpiffWorkflow in memory, with no persistence.
"""

from __future__ import annotations

import contextlib
import io
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

MODEL = Path(__file__).with_name("open_pharmacy.bpmn")
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/onething_bench_peers"
WARMUP = 10
NOTE = {"decision": "approved", "note": "同意"}  # the project's bench approves with 同意
STEPS = 17  # file, accept, 7 x (claim, approve), hand over: the project's service calls

SQLITE_TABLES = """
CREATE TABLE spiff_instance (id INTEGER PRIMARY KEY, state TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE spiff_audit (id INTEGER PRIMARY KEY,
    instance_id INTEGER NOT NULL REFERENCES spiff_instance (id),
    task TEXT NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX spiff_audit_instance ON spiff_audit (instance_id);
"""
POSTGRES_TABLES = """
CREATE TABLE spiff_instance (id bigint PRIMARY KEY, state text NOT NULL,
    updated_at timestamptz NOT NULL);
CREATE TABLE spiff_audit (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_id bigint NOT NULL REFERENCES spiff_instance (id),
    task text NOT NULL, action text NOT NULL, actor text NOT NULL, at timestamptz NOT NULL);
CREATE INDEX spiff_audit_instance ON spiff_audit (instance_id);
"""
UPSERT = (
    "INSERT INTO spiff_instance (id, state, updated_at) VALUES (%s, %s, %s) ON CONFLICT (id) "
    "DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at"
)
AUDIT = "INSERT INTO spiff_audit (instance_id, task, action, actor, at) VALUES (%s, %s, %s, %s, %s)"


class Store:
    """One row per workflow instance (its serialized state) and an audit row per step."""

    def __init__(self, sqlite_path: str | None = None, postgres_url: str | None = None):
        if sqlite_path:
            self.conn = sqlite3.connect(sqlite_path, isolation_level=None)
            self.conn.executescript(
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                "PRAGMA wal_autocheckpoint=10000;" + SQLITE_TABLES
            )
            self.sql = {key: sql.replace("%s", "?") for key, sql in self._sql().items()}
        else:
            import psycopg

            self.conn = psycopg.connect(postgres_url)
            self.conn.execute(POSTGRES_TABLES)
            self.conn.commit()
            self.sql = self._sql(" FOR UPDATE")
        self.sqlite = bool(sqlite_path)

    @staticmethod
    def _sql(lock: str = "") -> dict[str, str]:
        load = "SELECT state FROM spiff_instance WHERE id = %s" + lock
        return {"upsert": UPSERT, "audit": AUDIT, "load": load}

    def begin(self) -> None:
        if self.sqlite:  # as the project's connections do: take the write lock at BEGIN
            self.conn.execute("BEGIN IMMEDIATE")

    def load(self, instance_id: int) -> str:
        return self.conn.execute(self.sql["load"], (instance_id,)).fetchone()[0]

    def save(self, instance_id: int, state: str, task: str, action: str, actor: str, at) -> None:
        stamp = at.isoformat() if self.sqlite else at
        self.conn.execute(self.sql["upsert"], (instance_id, state, stamp))
        self.conn.execute(self.sql["audit"], (instance_id, task, action, actor, stamp))
        if self.sqlite:
            self.conn.execute("COMMIT")
        else:
            self.conn.commit()

    def count(self, table: str) -> int:
        return self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


class SpiffServer:
    """Runs open_pharmacy instances; with a store, persists after every step."""

    def __init__(
        self, filing: dict, store: Store | None = None, reload: bool = False, first_id: int = 1
    ):
        from SpiffWorkflow.bpmn.parser import BpmnParser
        from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer

        parser = BpmnParser()
        parser.add_bpmn_file(str(MODEL))
        self.spec = parser.get_spec("open_pharmacy")  # parsed once, as a server would
        self.serializer = BpmnWorkflowSerializer()
        self.filing, self.store, self.reload = filing, store, reload
        self.next_id = first_id  # instance ids: servers sharing a store take separate ranges

    def lifecycle(self, instance_id: int) -> None:
        from SpiffWorkflow.bpmn import BpmnWorkflow
        from SpiffWorkflow.util.task import TaskState

        workflow = BpmnWorkflow(self.spec)
        workflow.do_engine_steps()
        while not workflow.is_completed():
            ready = workflow.get_tasks(state=TaskState.READY, manual=True)
            for name, actor in [(task.task_spec.bpmn_id, task.task_spec.lane) for task in ready]:
                if name == "file":
                    workflow = self.step(workflow, instance_id, name, "file", actor, self.filing)
                elif actor.startswith("r_"):  # a department's reviewer (lane = account)
                    workflow = self.step(workflow, instance_id, name, "claim", actor)
                    workflow = self.step(workflow, instance_id, name, "approve", actor, NOTE)
                else:
                    workflow = self.step(workflow, instance_id, name, name, actor)
        assert workflow.is_completed()

    def step(self, workflow, instance_id, name, action, actor, extra=None):
        from SpiffWorkflow.util.task import TaskState

        if self.store:
            self.store.begin()
            if self.reload and action != "file":
                workflow = self.serializer.deserialize_json(self.store.load(instance_id))
        task = workflow.get_next_task(state=TaskState.READY, spec_name=name)
        at = datetime.now(UTC)
        record = {"action": action, "actor": actor, "at": at.isoformat(), **(extra or {})}
        task.data.setdefault(name, []).append(record)
        if action != "claim":
            task.run()
            workflow.do_engine_steps()
        if self.store:
            state = self.serializer.serialize_json(workflow)
            self.store.save(instance_id, state, name, action, actor, at)
        return workflow


def project_run(count: int) -> tuple[float, str]:
    """Seconds for `count` lifecycles through the service layer, and what it printed."""
    from bench.cases_bench import service_lifecycles

    printed = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(printed):
        service_lifecycles(count, statements=False)
    return time.perf_counter() - started, printed.getvalue()


def spiff_run(server: SpiffServer, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        server.lifecycle(server.next_id)
        server.next_id += 1
    return time.perf_counter() - started
