import fs from "node:fs/promises";
import path from "node:path";
import { toJsonLine, type OutboxEvent } from "../event-envelope";
import { SinkDeliveryError, type SinkWriter } from "./sink-writer";

export type FileSinkOptions = { filePath: string; maxFileBytes: number; maxFiles: number };

/**
 * JSON lines appended to `filePath`, fsynced before `deliver` resolves (so the cursor never moves
 * past bytes a crash could lose). When the next line would take the file past `maxFileBytes`, it is
 * rotated first: `events.jsonl` -> `events.jsonl.1` -> `.2` …, keeping `maxFiles` rotated files, so
 * the oldest events are in the highest number and order holds across files. A line is never split.
 */
export function createFileSink(opts: FileSinkOptions): SinkWriter {
  return {
    async deliver(events: OutboxEvent[]) {
      try {
        await fs.mkdir(path.dirname(opts.filePath), { recursive: true });
        let size = await fileSize(opts.filePath);
        let chunk: string[] = [];
        let chunkBytes = 0;
        for (const e of events) {
          const line = toJsonLine(e);
          const bytes = Buffer.byteLength(line);
          if (size + chunkBytes > 0 && size + chunkBytes + bytes > opts.maxFileBytes) {
            await appendSynced(opts.filePath, chunk);
            await rotateFiles(opts.filePath, opts.maxFiles);
            size = 0;
            chunk = [];
            chunkBytes = 0;
          }
          chunk.push(line);
          chunkBytes += bytes;
        }
        await appendSynced(opts.filePath, chunk);
      } catch (err) {
        throw new SinkDeliveryError(`Cannot write ${opts.filePath}: ${(err as Error).message}`);
      }
      return {};
    },
  };
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw err;
  }
}

async function appendSynced(file: string, lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  const handle = await fs.open(file, "a", 0o640);
  try {
    await handle.writeFile(lines.join(""));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Shifts `file.N-1` to `file.N` down to `file` -> `file.1`, dropping what falls past `maxFiles`; the directory is fsynced so the renames survive a crash. */
export async function rotateFiles(file: string, maxFiles: number): Promise<void> {
  await fs.rm(`${file}.${maxFiles}`, { force: true });
  for (let i = maxFiles - 1; i >= 1; i--) await renameIfExists(`${file}.${i}`, `${file}.${i + 1}`);
  await renameIfExists(file, `${file}.1`);
  const dir = await fs.open(path.dirname(file), "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await fs.rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
}
