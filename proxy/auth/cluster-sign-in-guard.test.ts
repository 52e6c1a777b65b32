import { EventEmitter } from "node:events";
import type { Worker } from "node:cluster";
import { describe, expect, it } from "vitest";
import type { NewAuditEvent } from "@/lib/audit/append-event";
import { createLogger } from "../log";
import { createClusterSignInGuard, serveClusterSignIns } from "./cluster-sign-in-guard";
import { SignInDesk } from "./sign-in-desk";

const quiet = createLogger("error", () => {});
const newDesk = <H>(written: NewAuditEvent[] = []) =>
  new SignInDesk<H>({ ledger: { freeAttempts: 2 }, log: quiet, writeEvents: async (events) => void written.push(...events) });
const failed = { kind: "failed", userName: "eve", database: "orders", reason: "token_unknown" } as const;

/** A worker and its primary joined by in-memory IPC, as node:cluster joins them. */
function joinWorkerToPrimary(desk: SignInDesk<string>, id: number) {
  const toWorker = new EventEmitter();
  const worker = Object.assign(new EventEmitter(), {
    id,
    isConnected: () => true,
    send: (m: unknown) => setImmediate(() => toWorker.emit("message", m)),
  });
  serveClusterSignIns(worker as unknown as Worker, desk);
  const channel = {
    send: (m: unknown, _h?: undefined, _o?: undefined, cb?: (err: Error | null) => void) => {
      setImmediate(() => {
        worker.emit("message", m);
        cb?.(null);
      });
      return true;
    },
    on: (event: "message", listener: (m: unknown) => void) => toWorker.on(event, listener),
  };
  return { worker, channel };
}

describe("sign-ins counted by the cluster primary", () => {
  it("counts one address's attempts across workers together, and sums their failures into one event", async () => {
    const written: NewAuditEvent[] = [];
    const desk = newDesk<string>(written);
    const a = joinWorkerToPrimary(desk, 1);
    const b = joinWorkerToPrimary(desk, 2);
    const noFallback = () => {
      throw new Error("the primary is there");
    };
    const guardA = createClusterSignInGuard(a.channel, noFallback);
    const guardB = createClusterSignInGuard(b.channel, noFallback);
    const [first, second] = await Promise.all([guardA.admit("10.0.0.1"), guardB.admit("10.0.0.1")]);
    expect([first.isAdmitted, second.isAdmitted]).toEqual([true, true]);
    // The budget of 2 is the host's: a third attempt, on either worker, waits for one of these.
    let third: boolean | undefined;
    void guardA.admit("10.0.0.1").then((t) => (third = t.isAdmitted));
    await new Promise((r) => setTimeout(r, 20));
    expect(third).toBeUndefined();
    first.finish(failed);
    second.finish(failed);
    await new Promise((r) => setTimeout(r, 20));
    expect(third).toBe(true);
    expect(desk.failureCount("10.0.0.1")).toBe(2);
    await desk.close();
    expect(written).toHaveLength(1);
    expect(written[0].details).toMatchObject({ count: 2, reasons: { token_unknown: 2 } });
  });

  it("settles the attempts of a worker that exits, so they do not hold the address's budget", async () => {
    const desk = newDesk<string>();
    const a = joinWorkerToPrimary(desk, 1);
    const guardA = createClusterSignInGuard(a.channel, () => newDesk<number>());
    await Promise.all([guardA.admit("10.0.0.1"), guardA.admit("10.0.0.1")]);
    a.worker.emit("exit");
    const b = joinWorkerToPrimary(desk, 2);
    const guardB = createClusterSignInGuard(b.channel, () => newDesk<number>());
    expect((await guardB.admit("10.0.0.1")).isAdmitted).toBe(true);
  });

  it("falls back to a desk of the worker's own when the primary cannot be reached, still throttling", async () => {
    const gone = {
      send: (_m: unknown, _h?: undefined, _o?: undefined, cb?: (err: Error | null) => void) => {
        setImmediate(() => cb?.(new Error("channel closed")));
        return false;
      },
      on: () => undefined,
    };
    const written: NewAuditEvent[] = [];
    const guard = createClusterSignInGuard(gone, () => newDesk<number>(written));
    for (let i = 0; i < 2; i++) (await guard.admit("10.0.0.1")).finish(failed);
    const inLine = await guard.admit("10.0.0.1");
    expect(inLine.isAdmitted).toBe(true);
    // Failures past the budget: one at a time, and a short line.
    const held = Promise.race([guard.admit("10.0.0.1").then(() => "answered"), new Promise((r) => setTimeout(() => r("waiting"), 30))]);
    expect(await held).toBe("waiting");
    inLine.finish(failed);
    await guard.close();
    expect(written[0].details).toMatchObject({ count: 3 });
  });
});
