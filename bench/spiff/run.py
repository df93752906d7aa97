"""SpiffWorkflow running bench/case3.bpmn, its state saved to SQLite after each step.

Each case: a workflow is started (submit) and saved; then each of its three
user tasks (受理, 审查, 决定) is completed, the engine runs on to the next
task (or the end event, 办结), and the workflow is serialized and saved
again. Every save is its own transaction on a SQLite file in WAL mode with
synchronous=NORMAL, as onewindow's are: 4 transactions per case.

With --clients N, N processes each drive their own cases, each with its own
connection and a busy timeout. Prints one JSON object on stdout.
"""

import argparse
import json
import multiprocessing
import sqlite3
import sys
import time

from importlib.metadata import version

from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState


def connect(db):
    conn = sqlite3.connect(db, timeout=30, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def save(conn, case_id, state):
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "INSERT INTO workflows (id, state, updated_at) VALUES (?, ?, datetime('now'))"
        " ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
        (case_id, state),
    )
    conn.execute("COMMIT")


def client(args):
    bpmn, db, ids = args
    parser = BpmnParser()
    parser.add_bpmn_file(bpmn)
    spec = parser.get_spec("case3")
    serializer = BpmnWorkflowSerializer()
    conn = connect(db)
    saves = 0
    state_bytes = 0
    for case_id in ids:
        wf = BpmnWorkflow(spec)
        wf.do_engine_steps()
        state = serializer.serialize_json(wf)
        save(conn, case_id, state)
        saves += 1
        state_bytes += len(state)
        while not wf.is_completed():
            ready = wf.get_tasks(state=TaskState.READY, manual=True)
            if not ready:
                raise RuntimeError(f"case {case_id}: no ready task and not completed")
            ready[0].run()
            wf.do_engine_steps()
            state = serializer.serialize_json(wf)
            save(conn, case_id, state)
            saves += 1
            state_bytes += len(state)
    conn.close()
    return saves, state_bytes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bpmn", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--clients", type=int, default=1)
    a = ap.parse_args()
    conn = connect(a.db)
    conn.execute(
        "CREATE TABLE IF NOT EXISTS workflows (id INTEGER PRIMARY KEY, state TEXT NOT NULL, updated_at TEXT NOT NULL)"
    )
    conn.close()
    work = [(a.bpmn, a.db, list(range(c + 1, a.cases + 1, a.clients))) for c in range(a.clients)]
    started = time.perf_counter()
    if a.clients == 1:
        results = [client(work[0])]
    else:
        with multiprocessing.Pool(a.clients) as pool:
            results = pool.map(client, work)
    took = time.perf_counter() - started
    saves = sum(r[0] for r in results)
    state_bytes = sum(r[1] for r in results)
    json.dump(
        {
            "engine": "SpiffWorkflow",
            "version": version("spiffworkflow"),
            "python": sys.version.split()[0],
            "cases": a.cases,
            "clients": a.clients,
            "seconds": took,
            "cases_per_s": a.cases / took,
            "transactions": saves,
            "transactions_per_case": saves / a.cases,
            "state_bytes_avg": state_bytes / max(saves, 1),
        },
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    main()
