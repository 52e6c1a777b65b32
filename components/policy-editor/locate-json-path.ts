/**
 * Where things are in the raw JSON text, so the Raw JSON view can put each problem on its line and
 * jump the cursor there: the offset of every value by its path ("guardrails.0.name", as the
 * validation keys it), and the line of a JSON syntax error. Pure.
 */

export type JsonPositions = Map<string, number>;

/** Offsets of every value in valid JSON `text`, keyed by dotted path; the root is "document". */
export function indexJsonPositions(text: string): JsonPositions {
  const positions: JsonPositions = new Map();
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const readString = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string) => {
    skipSpace();
    positions.set(path || "document", i);
    const join = (key: string | number) => (path ? `${path}.${key}` : String(key));
    const c = text[i];
    if (c === "{") {
      i++;
      skipSpace();
      while (text[i] !== "}") {
        skipSpace();
        const keyAt = i;
        const key = readString();
        skipSpace();
        i++; // ':'
        value(join(key));
        // A missing field is reported at its parent; the key's own line reads better for a present one.
        positions.set(join(key), keyAt);
        skipSpace();
        if (text[i] === ",") i++;
        skipSpace();
      }
      i++;
    } else if (c === "[") {
      i++;
      skipSpace();
      let index = 0;
      while (text[i] !== "]") {
        value(join(index++));
        skipSpace();
        if (text[i] === ",") i++;
        skipSpace();
      }
      i++;
    } else if (c === '"') {
      readString();
    } else {
      while (i < text.length && /[^\s,\]}]/.test(text[i])) i++;
    }
  };
  value("");
  return positions;
}

/** The offset of `path`, or of its nearest ancestor that exists (a missing field is reported on its object). */
export function offsetOfPath(positions: JsonPositions, path: string): number {
  const parts = path === "document" ? [] : path.split(".");
  for (let n = parts.length; n > 0; n--) {
    const at = positions.get(parts.slice(0, n).join("."));
    if (at !== undefined) return at;
  }
  return positions.get("document") ?? 0;
}

/** 1-based line of an offset. */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === "\n") line++;
  return line;
}

/** The offset a JSON.parse error points at ("… in JSON at position 42 (line 3 column 5)"), if it says. */
export function offsetOfSyntaxError(message: string, text: string): number | null {
  const position = /at position (\d+)/.exec(message);
  if (position) return Math.min(Number(position[1]), text.length);
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) {
    const lines = text.split("\n").slice(0, Number(lineColumn[1]) - 1);
    return lines.reduce((sum, l) => sum + l.length + 1, 0) + Number(lineColumn[2]) - 1;
  }
  if (/Unexpected end of JSON input/.test(message)) return text.length;
  return null;
}
