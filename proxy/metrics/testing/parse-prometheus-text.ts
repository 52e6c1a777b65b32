/**
 * A small reader of the Prometheus text exposition format (version 0.0.4), for tests: every sample
 * with its labels, and each family's TYPE. Strict where tests need it to be: a line it cannot read
 * throws rather than being skipped.
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */
export type Sample = { name: string; labels: Record<string, string>; value: number };
export type Exposition = { samples: Sample[]; types: Map<string, string> };

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;

export function parsePrometheusText(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    if (line.startsWith("#")) {
      const m = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
      if (m) types.set(m[1], m[2]);
      else if (!/^# HELP \S+/.test(line) && !line.startsWith("# ")) throw new Error(`unreadable comment line: ${line}`);
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`unreadable sample line: ${line}`);
    const labels: Record<string, string> = {};
    if (m[2]) {
      LABEL.lastIndex = 0;
      while (LABEL.lastIndex < m[2].length) {
        const l = LABEL.exec(m[2]);
        if (!l) throw new Error(`unreadable labels: ${m[2]}`);
        labels[l[1]] = l[2].replace(/\\(["\\n])/g, (_, c: string) => (c === "n" ? "\n" : c));
      }
    }
    const value = m[3] === "+Inf" ? Infinity : m[3] === "-Inf" ? -Infinity : m[3] === "NaN" || m[3] === "Nan" ? NaN : Number(m[3]);
    if (Number.isNaN(value) && !/^nan$/i.test(m[3])) throw new Error(`unreadable value: ${line}`);
    samples.push({ name: m[1], labels, value });
  }
  return { samples, types };
}

/** The sample of `name` whose labels include `labels` (summed over the rest), 0 when there is none. */
export function sampleValue(e: Exposition, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const s of e.samples) {
    if (s.name !== name) continue;
    if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) sum += s.value;
  }
  return sum;
}

/** Whether any sample of `name` exists. */
export function hasSample(e: Exposition, name: string): boolean {
  return e.samples.some((s) => s.name === name);
}
