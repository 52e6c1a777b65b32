import pg from "pg";
import { serialize } from "pg-protocol";
import type { Endpoint } from "./endpoints";
import { connectAtTheWire, readUntilReady } from "./wire-client";

export const PIPELINE_TABLE = "bench_pipeline";
const STATEMENT = "bench_pipeline_insert";

/** The table the pipeline inserts into, created directly on the target. */
export async function createPipelineTable(target: Endpoint): Promise<void> {
  const c = new pg.Client(target);
  await c.connect();
  try {
    await c.query(`drop table if exists ${PIPELINE_TABLE}`);
    await c.query(`create table ${PIPELINE_TABLE} (id int not null, note text not null)`);
  } finally {
    await c.end();
  }
}

export type PipelineRun = { statements: number; seconds: number };

/**
 * One client, one pipeline: Parse of a named INSERT once, then Bind + Execute for each of
 * `statements` rows, and a single Sync, all written before any reply is read (as libpq's pipeline
 * mode or a driver's batch sends them). Resolves at ReadyForQuery, with the time from the first
 * byte written; every INSERT must have completed (one CommandComplete each), or it rejects.
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-PIPELINING
 */
export async function runInsertPipeline(endpoint: Endpoint, statements: number): Promise<PipelineRun> {
  const messages: Buffer[] = [serialize.parse({ name: STATEMENT, text: `insert into ${PIPELINE_TABLE} (id, note) values ($1, $2)`, types: [23, 25] })];
  for (let i = 1; i <= statements; i++) {
    messages.push(serialize.bind({ statement: STATEMENT, values: [String(i), `row ${i}`] }), serialize.execute({}));
  }
  messages.push(serialize.sync());
  const payload = Buffer.concat(messages);
  const wire = await connectAtTheWire(endpoint, "pipeline-bench");
  try {
    let completed = 0;
    const started = process.hrtime.bigint();
    const done = readUntilReady(wire.socket, (type) => type === "C" && completed++);
    wire.socket.write(payload);
    await done;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (completed !== statements) throw new Error(`${completed} of ${statements} INSERTs completed`);
    return { statements, seconds };
  } finally {
    await wire.close();
  }
}
