import fs from "node:fs";

/** Resident memory of another process, from /proc/<pid>/status (Linux), in bytes. */
export function readMemory(pid: number): { rss: number; peak: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb("VmRSS"), peak: kb("VmHWM") };
  } catch {
    return null;
  }
}

/**
 * Watches a process's peak RSS over one measurement. VmHWM is the peak over the process's whole
 * life; writing 5 to clear_refs resets it to the current RSS, so it then holds the peak of this
 * measurement exactly. Where that is not allowed, sampling VmRSS every 20 ms stands in.
 */
export class PeakMemoryWatch {
  private readonly isReset: boolean;
  private sampledPeak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number) {
    try {
      fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
      this.isReset = true;
    } catch {
      this.isReset = false;
    }
    const sample = () => (this.sampledPeak = Math.max(this.sampledPeak, readMemory(pid)?.rss ?? 0));
    sample();
    this.timer = setInterval(sample, 20);
  }

  /** Peak RSS in bytes since the watch began. */
  stop(): number {
    clearInterval(this.timer);
    const now = readMemory(this.pid);
    return Math.max(this.sampledPeak, now?.rss ?? 0, this.isReset ? (now?.peak ?? 0) : 0);
  }
}
