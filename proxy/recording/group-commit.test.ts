import { describe, expect, it } from "vitest";
import { GroupCommitter, QueueFull } from "./group-commit";

/** A store stand-in that records the batches it was given and fails on demand. */
function fakeStore() {
  const batches: number[][] = [];
  let failWith: Error | undefined;
  let rejectItem: number | undefined;
  return {
    batches,
    failNext(err: Error | undefined) {
      failWith = err;
    },
    rejectItem(n: number | undefined) {
      rejectItem = n;
    },
    async write(items: number[]) {
      await new Promise((r) => setTimeout(r, 5));
      if (failWith) throw failWith;
      if (rejectItem !== undefined && items.includes(rejectItem)) throw Object.assign(new Error("bad value"), { code: "22P02" });
      if (items.length) batches.push(items);
    },
  };
}

const options = (dropped: unknown[] = []) => ({ maxBatch: 100, maxQueue: 5, retryDelayMs: 10, maxAttempts: 3, onDrop: (i: unknown) => dropped.push(i) });

describe("GroupCommitter", () => {
  it("writes records submitted while a batch is in flight together, in order", async () => {
    const store = fakeStore();
    const gc = new GroupCommitter<number>((i) => store.write(i), options());
    const first = gc.submit([1]);
    await new Promise((r) => setImmediate(r));
    const rest = [gc.submit([2]), gc.submit([3, 4]), gc.submit([5])];
    await Promise.all([first, ...rest]);
    expect(store.batches).toEqual([[1], [2, 3, 4, 5]]);
  });

  it("fails waiters while the store is down, retries queued records, and recovers", async () => {
    const store = fakeStore();
    const health: boolean[] = [];
    const gc = new GroupCommitter<number>((i) => store.write(i), { ...options(), onHealthChange: (h) => health.push(h) });
    store.failNext(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
    gc.enqueueAlways([10]);
    await expect(gc.submit([11])).rejects.toThrow(/ECONNREFUSED/);
    expect(gc.isHealthy).toBe(false);
    store.failNext(undefined);
    await expect(gc.drain(2000)).resolves.toBe(true);
    expect(store.batches.flat()).toEqual([10]);
    expect(gc.isHealthy).toBe(true);
    expect(health).toEqual([false, true]);
    gc.close();
  });

  it("refuses fire-and-forget records beyond the backlog limit", () => {
    const gc = new GroupCommitter<number>(async () => {}, options());
    gc.enqueue([1, 2, 3, 4, 5]);
    expect(() => gc.enqueue([6])).toThrow(QueueFull);
    gc.close();
  });

  it("isolates a record the store refuses, so the others are still written", async () => {
    const store = fakeStore();
    const dropped: unknown[] = [];
    const gc = new GroupCommitter<number>((i) => store.write(i), options(dropped));
    store.rejectItem(2);
    const bad = gc.submit([2]);
    gc.enqueueAlways([3]);
    const good = gc.submit([1]);
    await expect(bad).rejects.toThrow(/bad value/);
    await good;
    await gc.drain(1000);
    expect(store.batches.flat().sort()).toEqual([1, 3]);
    expect(dropped).toEqual([]);
  });
});

describe("GroupCommitter batching", () => {
  it("lets fire-and-forget records wait for the next waiter's batch instead of writing them alone", async () => {
    const store = fakeStore();
    const gc = new GroupCommitter<number>((i) => store.write(i), { ...options(), maxQueue: 100, lingerMs: 1000 });
    gc.enqueueAlways([1]);
    gc.enqueueAlways([2]);
    await new Promise((r) => setTimeout(r, 20));
    expect(store.batches).toEqual([]);
    await gc.submit([3]);
    expect(store.batches).toEqual([[1, 2, 3]]);
    gc.close();
  });

  it("writes lingering records after lingerMs, or at once when a drain asks", async () => {
    const store = fakeStore();
    const gc = new GroupCommitter<number>((i) => store.write(i), { ...options(), maxQueue: 100, lingerMs: 30 });
    gc.enqueueAlways([1]);
    await new Promise((r) => setTimeout(r, 80));
    expect(store.batches).toEqual([[1]]);
    const slow = new GroupCommitter<number>((i) => store.write(i), { ...options(), maxQueue: 100, lingerMs: 60_000 });
    slow.enqueueAlways([2]);
    await expect(slow.drain(1000)).resolves.toBe(true);
    expect(store.batches).toEqual([[1], [2]]);
    gc.close();
    slow.close();
  });
});

describe("GroupCommitter bookkeeping", () => {
  it("settles each item once: written, dropped or refused, never while it waits for a retry", async () => {
    const store = fakeStore();
    const settled: number[] = [];
    const dropped: unknown[] = [];
    const gc = new GroupCommitter<number>((i) => store.write(i), { ...options(dropped), maxQueue: 100, onSettled: (i) => settled.push(i as number) });
    store.failNext(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
    gc.enqueueAlways([1]);
    await expect(gc.submit([2])).rejects.toThrow(/ECONNREFUSED/);
    // The waiter's record is settled (refused); the queued one is kept for the retry.
    expect(settled).toEqual([2]);
    store.failNext(undefined);
    store.rejectItem(4);
    gc.enqueueAlways([3, 4]);
    // 4 is refused by the store (written alone, refused again): dropped, and settled then.
    await gc.drain(2000);
    expect(settled.sort()).toEqual([1, 2, 3, 4]);
    expect(dropped).toEqual([4]);
    gc.close();
  });

  it("reports its backlog and how long the batch in flight has been writing", async () => {
    let finish!: () => void;
    const gc = new GroupCommitter<number>((items) => (items.length ? new Promise<void>((r) => (finish = r)) : Promise.resolve()), { ...options(), maxQueue: 100 });
    expect([gc.backlog, gc.writingForMs]).toEqual([0, undefined]);
    const first = gc.submit([1, 2]);
    await new Promise((r) => setTimeout(r, 20));
    gc.enqueueAlways([3]);
    expect(gc.backlog).toBe(3);
    expect(gc.writingForMs).toBeGreaterThanOrEqual(10);
    finish();
    await first;
    await new Promise((r) => setImmediate(r));
    finish();
    await gc.drain(1000);
    expect([gc.backlog, gc.writingForMs]).toEqual([0, undefined]);
    gc.close();
  });
});

