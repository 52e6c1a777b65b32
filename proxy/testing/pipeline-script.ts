import { serialize } from "pg-protocol";
import { mulberry32 } from "@/lib/db/demo/fake-people";

/**
 * Random extended-protocol scripts for the property test: Parse (named and unnamed, some failing,
 * some re-using names), Bind (to names that exist and names that do not, with good and bad
 * parameter values), Execute (some with row limits), Describe, Close, Sync, Flush and the odd simple
 * Query. Every INSERT carries a tag unique within the script, so what ran can be compared by which
 * tags landed. Deterministic for a seed.
 */

export type Step =
  | { kind: "parse"; name: string; sql: string; types: number[] }
  | { kind: "bind"; portal: string; statement: string; values: (string | null)[] }
  | { kind: "describe"; target: "S" | "P"; name: string }
  | { kind: "execute"; portal: string; rows: number }
  | { kind: "close"; target: "S" | "P"; name: string }
  | { kind: "query"; sql: string }
  | { kind: "sync" }
  | { kind: "flush" };

/** The demo data's seedable PRNG (mulberry32), for scripts a seed replays. */
export const seededRandom = mulberry32;

/** SQL shapes a Parse may carry; `values` makes Bind parameters for it (good ones, mostly). */
type Template = { sql(tag: string): string; types: number[]; values(tag: string, pick: Picker): (string | null)[]; failsAtParse?: boolean };

const TEMPLATES: { weight: number; template: Template }[] = [
  { weight: 5, template: { sql: (tag) => `insert into log values ('${tag}')`, types: [], values: () => [] } },
  // A null tag violates NOT NULL when the INSERT runs (23502): an error at Execute.
  { weight: 5, template: { sql: () => "insert into log values ($1)", types: [25], values: (tag, pick) => [pick.chance(0.1) ? null : tag] } },
  { weight: 3, template: { sql: (tag) => `insert into log select '${tag}-' || g from generate_series(1, 3) g returning tag`, types: [], values: () => [] } },
  { weight: 4, template: { sql: () => "select g from generate_series(1, 5) g", types: [], values: () => [] } },
  // "x" is not an integer: refused at Bind (22P02).
  { weight: 3, template: { sql: () => "select $1::int * 2 as doubled", types: [], values: (_tag, pick) => [pick.chance(0.15) ? "x" : String(pick.int(0, 99))] } },
  // Fails while executing, after two rows (22012).
  { weight: 2, template: { sql: () => "select 10 / (g - 3) from generate_series(1, 5) g", types: [], values: () => [] } },
  // Folded at plan time: fails at Bind (22012).
  { weight: 1, template: { sql: () => "select 1/0", types: [], values: () => [] } },
  { weight: 1, template: { sql: () => "selec 1", types: [], values: () => [], failsAtParse: true } },
  { weight: 1, template: { sql: () => "select * from no_such_table", types: [], values: () => [], failsAtParse: true } },
  { weight: 1, template: { sql: () => "", types: [], values: () => [] } },
];

const STATEMENT_NAMES = ["", "s1", "s2"];
const PORTAL_NAMES = ["", "p1", "p2"];

export type Picker = {
  chance(p: number): boolean;
  int(min: number, max: number): number;
  one<T>(xs: readonly T[]): T;
};

function picker(rand: () => number): Picker {
  return {
    chance: (p) => rand() < p,
    int: (min, max) => min + Math.floor(rand() * (max - min + 1)),
    one: (xs) => xs[Math.floor(rand() * xs.length)]!,
  };
}

function weighted<T>(pick: Picker, items: { weight: number; value: T }[]): T {
  const total = items.reduce((s, i) => s + i.weight, 0);
  let r = pick.int(0, total - 1);
  for (const i of items) {
    if (r < i.weight) return i.value;
    r -= i.weight;
  }
  return items[items.length - 1]!.value;
}

/**
 * A script of up to `maxSteps` messages ending with Sync. `label` prefixes every tag, so scripts
 * sharing a log table stay apart. Most of it is what drivers send (Parse, Bind, [Describe],
 * Execute on names the script believes exist), so errors do not skip the whole script; the rest
 * is single messages in any order, unknown names included.
 */
export function generateScript(seed: number, label: string, maxSteps = 30): Step[] {
  const pick = picker(seededRandom(seed));
  let tags = 0;
  const tag = () => `${label}-${++tags}`;
  // What the script last asked each name to be (whether or not the server agreed): Binds mostly fit it.
  const believed = new Map<string, Template>();
  const bound = new Set<string>();
  const steps: Step[] = [];
  const length = pick.int(3, maxSteps - 1);
  const template = () => weighted(pick, TEMPLATES.map((t) => ({ weight: t.weight, value: t.template })));
  const bindValues = (statement: string) => {
    const t = believed.get(statement);
    let values = t ? t.values(tag(), pick) : [];
    // Now and then the wrong number of parameters (08P01 at Bind).
    if (pick.chance(0.03)) values = values.length ? [] : ["1"];
    return values;
  };
  const rows = () => (pick.chance(0.3) ? pick.int(1, 3) : 0);
  /** A Parse, as the script believes it went: a failing one leaves a named statement as it was, and drops the unnamed one. */
  const parse = (name: string, t: Template) => {
    if (name !== "" && believed.has(name) && pick.chance(0.7)) push({ kind: "close", target: "S", name });
    steps.push({ kind: "parse", name, sql: t.sql(tag()), types: t.types });
    if (!t.failsAtParse) believed.set(name, t);
    else if (name === "") believed.delete(name);
  };
  const push = (step: Step) => {
    steps.push(step);
    if (step.kind === "bind") bound.add(step.portal);
    if (step.kind === "close" && step.target === "S") believed.delete(step.name);
    if (step.kind === "close" && step.target === "P") bound.delete(step.name);
    if (step.kind === "sync" || step.kind === "query") bound.clear();
    // A simple Query drops the unnamed statement.
    if (step.kind === "query") believed.delete("");
  };
  while (steps.length < length) {
    const shape = weighted(pick, [
      { weight: 50, value: "unit" as const },
      { weight: 15, value: "rebind" as const },
      { weight: 10, value: "continue" as const },
      { weight: 25, value: "single" as const },
    ]);
    if (shape === "unit") {
      const name = pick.one(STATEMENT_NAMES);
      const portal = pick.one(PORTAL_NAMES);
      // As drivers do, mostly close a name before re-using it (else 42P05 / 42P03, which happen too).
      if (portal !== "" && bound.has(portal) && pick.chance(0.8)) push({ kind: "close", target: "P", name: portal });
      parse(name, template());
      push({ kind: "bind", portal, statement: name, values: bindValues(name) });
      if (pick.chance(0.2)) push({ kind: "describe", target: "P", name: portal });
      push({ kind: "execute", portal, rows: rows() });
      if (pick.chance(0.45)) push({ kind: "sync" });
      continue;
    }
    if (shape === "rebind" && believed.size > 0) {
      const statement = pick.one([...believed.keys()]);
      const portal = pick.one(PORTAL_NAMES);
      if (portal !== "" && bound.has(portal) && pick.chance(0.8)) push({ kind: "close", target: "P", name: portal });
      push({ kind: "bind", portal, statement, values: bindValues(statement) });
      push({ kind: "execute", portal, rows: rows() });
      continue;
    }
    if (shape === "continue" && bound.size > 0) {
      push({ kind: "execute", portal: pick.one([...bound]), rows: rows() });
      continue;
    }
    const kind = weighted(pick, [
      { weight: 22, value: "parse" as const },
      { weight: 16, value: "bind" as const },
      { weight: 16, value: "execute" as const },
      { weight: 8, value: "describe" as const },
      { weight: 8, value: "close" as const },
      { weight: 16, value: "sync" as const },
      { weight: 8, value: "flush" as const },
      { weight: 6, value: "query" as const },
    ]);
    switch (kind) {
      case "parse":
        parse(pick.one(STATEMENT_NAMES), template());
        break;
      case "bind": {
        const statement = pick.chance(0.08) ? "ghost" : believed.size > 0 && pick.chance(0.8) ? pick.one([...believed.keys()]) : pick.one(STATEMENT_NAMES);
        push({ kind, portal: pick.one(PORTAL_NAMES), statement, values: bindValues(statement) });
        break;
      }
      case "execute":
        push({ kind, portal: pick.chance(0.06) ? "ghost_portal" : bound.size > 0 && pick.chance(0.8) ? pick.one([...bound]) : pick.one(PORTAL_NAMES), rows: rows() });
        break;
      case "describe": {
        const target = pick.chance(0.5) ? "S" : "P";
        push({ kind, target, name: pick.one(target === "S" ? STATEMENT_NAMES : PORTAL_NAMES) });
        break;
      }
      case "close": {
        const target = pick.chance(0.5) ? "S" : "P";
        push({ kind, target, name: pick.one(target === "S" ? STATEMENT_NAMES : PORTAL_NAMES) });
        break;
      }
      case "query":
        push({ kind, sql: pick.chance(0.7) ? `insert into log values ('${tag()}')` : "select 1/0" });
        break;
      default:
        push({ kind });
    }
  }
  if (steps.at(-1)?.kind !== "sync") steps.push({ kind: "sync" });
  return steps;
}

/** The frontend message for a step. */
export function encodeStep(s: Step): Buffer {
  switch (s.kind) {
    case "parse":
      return serialize.parse({ name: s.name, text: s.sql, types: s.types });
    case "bind":
      return serialize.bind({ portal: s.portal, statement: s.statement, values: s.values });
    case "describe":
      return serialize.describe({ type: s.target, name: s.name });
    case "execute":
      return serialize.execute({ portal: s.portal, rows: s.rows });
    case "close":
      return serialize.close({ type: s.target, name: s.name });
    case "query":
      return serialize.query(s.sql);
    case "sync":
      return serialize.sync();
    case "flush":
      return serialize.flush();
  }
}

/** One line per step, for failure messages. */
export function showStep(s: Step): string {
  switch (s.kind) {
    case "parse":
      return `Parse ${JSON.stringify(s.name)} = ${JSON.stringify(s.sql)}`;
    case "bind":
      return `Bind ${JSON.stringify(s.portal)} <- ${JSON.stringify(s.statement)} ${JSON.stringify(s.values)}`;
    case "describe":
    case "close":
      return `${s.kind === "describe" ? "Describe" : "Close"} ${s.target} ${JSON.stringify(s.name)}`;
    case "execute":
      return `Execute ${JSON.stringify(s.portal)}${s.rows ? ` max ${s.rows}` : ""}`;
    case "query":
      return `Query ${JSON.stringify(s.sql)}`;
    case "sync":
      return "Sync";
    case "flush":
      return "Flush";
  }
}
