import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildTestEvent, type OutboxEvent } from "../event-envelope";
import { createFileSink } from "./file-sink";

/** Events numbered `from`..`to`, each line about 700 bytes. */
function events(from: number, to: number): OutboxEvent[] {
  const out: OutboxEvent[] = [];
  for (let seq = from; seq <= to; seq++) out.push({ ...buildTestEvent("f", "a"), seq });
  return out;
}

async function seqsIn(file: string): Promise<number[]> {
  const text = await fs.readFile(file, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as OutboxEvent).seq);
}

describe("file sink", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "warden-file-sink-"));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("appends JSON lines and rotates by size, keeping max files, in order across files", async () => {
    const file = path.join(dir, "out", "events.jsonl");
    const lineBytes = Buffer.byteLength(`${JSON.stringify(events(1, 1)[0])}\n`);
    const sink = createFileSink({ filePath: file, maxFileBytes: lineBytes * 3, maxFiles: 2 });
    await sink.deliver(events(1, 2));
    await sink.deliver(events(3, 7));
    await sink.deliver(events(8, 11));
    for (const f of [file, `${file}.1`, `${file}.2`]) expect((await fs.stat(f)).size).toBeLessThanOrEqual(lineBytes * 3);
    // 1..3 were rotated out past max_files (2); the rest read in order from .2, .1, then the live file.
    const kept = [...(await seqsIn(`${file}.2`)), ...(await seqsIn(`${file}.1`)), ...(await seqsIn(file))];
    expect(kept).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    expect(await seqsIn(`${file}.3`)).toEqual([]);
  });

  it("writes a line bigger than the limit whole, into a file of its own", async () => {
    const file = path.join(dir, "events.jsonl");
    const sink = createFileSink({ filePath: file, maxFileBytes: 10, maxFiles: 5 });
    await sink.deliver(events(1, 3));
    expect([await seqsIn(`${file}.2`), await seqsIn(`${file}.1`), await seqsIn(file)]).toEqual([[1], [2], [3]]);
  });

  it("fails with the path when it cannot write", async () => {
    const blocker = path.join(dir, "not-a-dir");
    await fs.writeFile(blocker, "x");
    const sink = createFileSink({ filePath: path.join(blocker, "events.jsonl"), maxFileBytes: 1000, maxFiles: 1 });
    await expect(sink.deliver(events(1, 1))).rejects.toThrow(/Cannot write .*not-a-dir/);
  });
});
