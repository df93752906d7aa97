// bpmn-engine running bench/case3.bpmn, its state saved to SQLite after each step.
//
// Each case: an engine is started (submit) and its state saved; then each
// waiting user task (受理, 审查, 决定) is signalled, the engine runs on to the
// next task (or the end event, 办结), and its state is saved again. Every
// save is its own transaction on a SQLite file in WAL mode with
// synchronous=NORMAL (better-sqlite3): 4 transactions per case. The BPMN is
// parsed once; each case gets its own engine. One client (node is single-threaded).
// Prints one JSON object on stdout.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Engine } from 'bpmn-engine';
import BpmnModdle from 'bpmn-moddle';
import Database from 'better-sqlite3';

const { values: args } = parseArgs({
  options: {
    bpmn: { type: 'string' },
    db: { type: 'string' },
    cases: { type: 'string', default: '1000' },
  },
});
const cases = Number(args.cases);

const db = new Database(args.db, { timeout: 30000 });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('CREATE TABLE IF NOT EXISTS workflows (id INTEGER PRIMARY KEY, state TEXT NOT NULL, updated_at TEXT NOT NULL)');
const upsert = db.prepare(
  "INSERT INTO workflows (id, state, updated_at) VALUES (?, ?, datetime('now')) " +
    'ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
);
const save = db.transaction((id, state) => upsert.run(id, state));

const source = readFileSync(args.bpmn, 'utf8');
const moddleContext = await new BpmnModdle().fromXML(source);

let saves = 0;
let stateBytes = 0;
async function saveState(id, engine) {
  const state = JSON.stringify(await engine.getState());
  save.immediate(id, state);
  saves += 1;
  stateBytes += state.length;
}

async function runCase(id) {
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

const started = process.hrtime.bigint();
for (let id = 1; id <= cases; id += 1) await runCase(id);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
db.close();
console.log(
  JSON.stringify({
    engine: 'bpmn-engine',
    version: JSON.parse(readFileSync(new URL('./node_modules/bpmn-engine/package.json', import.meta.url), 'utf8')).version,
    node: process.version,
    cases,
    clients: 1,
    seconds,
    cases_per_s: cases / seconds,
    transactions: saves,
    transactions_per_case: saves / cases,
    state_bytes_avg: stateBytes / Math.max(saves, 1),
  }),
);
