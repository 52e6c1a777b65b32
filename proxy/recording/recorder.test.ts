import { describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/create-db";
import type { Logger } from "../log";
import { Recorder, RecordingUnavailable } from "./recorder";
import type { StatementBeginRow } from "./records";

const log = { info() {}, warn() {}, error() {}, debug() {}, child: () => log } as unknown as Logger;
/** A store nobody listens on: nothing here is written before the test ends. */
const db = { $client: { options: { connectionString: "postgres://warden@127.0.0.1:1/none" } } } as unknown as Db;

const begin = (seq: number) => ({
  row: { id: `00000000-0000-0000-0000-${String(seq).padStart(12, "0")}`, sessionId: "s", seq, protocol: "simple", sql: "select 1", kind: "read", command: "SELECT", receivedAt: new Date() } as StatementBeginRow,
});

describe("Recorder (async)", () => {
  it("refuses statements once the backlog is full, saying so (not that the store is unreachable)", async () => {
    const recorder = new Recorder(db, { mode: "async", log, maxQueue: 3, lingerMs: 60_000 });
    recorder.beginStatements([begin(1), begin(2), begin(3)]);
    let err: unknown;
    try {
      recorder.beginStatements([begin(4)]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RecordingUnavailable);
    const refused = err as RecordingUnavailable;
    expect(refused.reason).toBe("backlog_full");
    expect(refused.sqlState).toBe("53000");
    expect(refused.clientMessage("the statement was not run")).toMatch(/recording backlog is full/);
    expect(refused.clientMessage("the statement was not run")).not.toMatch(/unreachable/);
    await recorder.close(50);
  });

  it("names an unreachable store as such", () => {
    const err = new RecordingUnavailable("store_unreachable", "connect ECONNREFUSED");
    expect(err.sqlState).toBe("57P03");
    expect(err.clientMessage("the statement was not run")).toMatch(/cannot record statements right now \(its store is unreachable\)/);
  });
});

describe("Recorder (strict)", () => {
  it("refuses statements while the store is unreachable (57P03), whichever lane they go to", async () => {
    const recorder = new Recorder(db, { mode: "strict", log, lanes: 3, retryDelayMs: 60_000 });
    const results = await Promise.allSettled([1, 2, 3].map((seq) => recorder.beginStatements([{ ...begin(seq), row: { ...begin(seq).row, sessionId: `s${seq}` } }])));
    for (const r of results) {
      expect(r.status).toBe("rejected");
      const err = (r as PromiseRejectedResult).reason;
      expect(err).toBeInstanceOf(RecordingUnavailable);
      expect(err.sqlState).toBe("57P03");
    }
    expect(recorder.isHealthy).toBe(false);
    await recorder.close(50);
  });
});

