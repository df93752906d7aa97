// bpmn-engine running bench/case3.bpmn, its state saved to SQLite after each step.
//
// Each case: an engine is started (submit) and its state saved; then each
// waiting user task (受理, 审查, 决定) is signalled, the engine runs on to the
// next task (or the end event, 办结), and its state is saved again. Every
// save is its own transaction on a SQLite file in WAL mode with
// synchronous=NORMAL (better-sqlite3): 4 transactions per case. The BPMN is
// parsed once per client; each case gets its own engine.
//
// With --clients N, N worker threads (node runs one thread per event loop)
// each drive their own cases (ids c+1, c+1+N, ...) with their own
// connection to the same file, as SpiffWorkflow's processes do; the time is
// from the first worker's start to the last one's end.
// Prints one JSON object on stdout.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Engine } from 'bpmn-engine';
import BpmnModdle from 'bpmn-moddle';
import Database from 'better-sqlite3';

function open(path) {
  const db = new Database(path, { timeout: 30000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE IF NOT EXISTS workflows (id INTEGER PRIMARY KEY, state TEXT NOT NULL, updated_at TEXT NOT NULL)');
  return db;
}

// Runs the cases `ids` on their own connection; returns the saves made.
async function runCases(bpmnPath, dbPath, ids) {
  const db = open(dbPath);
  const upsert = db.prepare(
    "INSERT INTO workflows (id, state, updated_at) VALUES (?, ?, datetime('now')) " +
      'ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
  );
  const save = db.transaction((id, state) => upsert.run(id, state));
  const moddleContext = await new BpmnModdle().fromXML(readFileSync(bpmnPath, 'utf8'));

  let saves = 0;
  let stateBytes = 0;
  async function saveState(id, engine) {
    const state = JSON.stringify(await engine.getState());
    save.immediate(id, state);
    saves += 1;
    stateBytes += state.length;
  }

  for (const id of ids) {
    const engine = new Engine({ name: `case-${id}`, moddleContext });
    const execution = await engine.execute();
    await saveState(id, engine);
    for (;;) {
      const waiting = execution.getPostponed().filter((api) => api.type === 'bpmn:UserTask');
      if (waiting.length === 0) break;
      waiting[0].signal();
      await saveState(id, engine);
    }
    if (engine.state !== 'idle') throw new Error(`case ${id} did not complete (${engine.state})`);
  }
  db.close();
  return { saves, stateBytes };
}

// One client's ids among `cases`.
function idsOf(client, clients, cases) {
  const ids = [];
  for (let id = client + 1; id <= cases; id += clients) ids.push(id);
  return ids;
}

if (isMainThread) {
  const { values: args } = parseArgs({
    options: {
      bpmn: { type: 'string' },
      db: { type: 'string' },
      cases: { type: 'string', default: '1000' },
      clients: { type: 'string', default: '1' },
    },
  });
  const cases = Number(args.cases);
  const clients = Number(args.clients);
  open(args.db).close();

  const started = process.hrtime.bigint();
  let done;
  if (clients === 1) {
    done = [await runCases(args.bpmn, args.db, idsOf(0, 1, cases))];
  } else {
    done = await Promise.all(
      Array.from({ length: clients }, (_, c) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(new URL(import.meta.url), {
            workerData: { bpmn: args.bpmn, db: args.db, ids: idsOf(c, clients, cases) },
          });
          worker.once('message', resolve);
          worker.once('error', reject);
          worker.once('exit', (code) => {
            if (code !== 0) reject(new Error(`client ${c} exited with ${code}`));
          });
        }),
      ),
    );
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const saves = done.reduce((s, d) => s + d.saves, 0);
  const stateBytes = done.reduce((s, d) => s + d.stateBytes, 0);
  console.log(
    JSON.stringify({
      engine: 'bpmn-engine',
      version: JSON.parse(readFileSync(new URL('./node_modules/bpmn-engine/package.json', import.meta.url), 'utf8')).version,
      node: process.version,
      cases,
      clients,
      seconds,
      cases_per_s: cases / seconds,
      transactions: saves,
      transactions_per_case: saves / cases,
      state_bytes_avg: stateBytes / Math.max(saves, 1),
    }),
  );
} else {
  const { bpmn, db, ids } = workerData;
  parentPort.postMessage(await runCases(bpmn, db, ids));
}
