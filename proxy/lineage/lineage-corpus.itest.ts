import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectNotices, expireNow, pendingRequest } from "../approvals/testing/approval-fixtures";
import { startMaskingFixture, type MaskingFixture } from "../masking/testing/masking-fixture";
import { runTool } from "../testing/run-tool";
import {
  corpusPolicy,
  corpusSetupSql,
  isHeldCase,
  LEAK_FORMS,
  LINEAGE_CORPUS,
  RULE_MASKS,
  type ColumnExpectation,
  type CorpusCase,
  type HeldCase,
  type ReadCase,
} from "./testing/lineage-corpus";

/**
 * Issue 13, item 7: the lineage corpus (./testing/lineage-corpus.ts) through a real gateway, with
 * psql (text, simple protocol) and node-postgres in text (simple protocol) and binary results
 * (extended protocol). Each read is compared with the same statement read directly from
 * PostgreSQL by the same client in the same format; each copy must be held for a reviewer with
 * its reason (the test lets the request expire: nobody approves it) and must not have happened.
 */

/** What a client read: rows of cells, as the wire carried them (text, or binary bytes as a string). */
type Read = { columnCount: number; rows: (string | null)[][] };

const CLIENTS = ["psql", "node-postgres text", "node-postgres binary"] as const;
type ClientKind = (typeof CLIENTS)[number];

const FIELD = "\x1f";
const RECORD = "\x1e";
const NULL = "\x02NULL\x02";

/** One psql session: setup quietly, the statement's rows, cleanup quietly. */
async function readWithPsql(url: string, c: CorpusCase): Promise<{ read: Read | null; code: number | null; stderr: string }> {
  const quiet = (sqls: string[] | undefined) => (sqls?.length ? ["\\o /dev/null", ...sqls.map((s) => `${s};`), "\\o"] : []);
  const script = [...quiet(c.setup), `${c.sql};`, ...quiet(c.cleanup)].join("\n");
  const r = await runTool("psql", ["-X", "-q", "-A", "-t", "-F", FIELD, "-R", RECORD, "-P", `null=${NULL}`, "-v", "ON_ERROR_STOP=1", url, "-f", "-"], { input: script });
  if (r.code !== 0) return { read: null, code: r.code, stderr: r.stderr };
  const out = r.stdout.replace(/\n$/, "");
  const rows = out === "" ? [] : out.split(RECORD).map((line) => line.split(FIELD).map((v) => (v === NULL ? null : v)));
  return { read: { columnCount: rows[0]?.length ?? 0, rows }, code: r.code, stderr: r.stderr };
}

/** Every type read as the wire's text (or binary bytes), so values compare as sent. */
const asSent = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;

async function readWithNode(client: pg.Client, c: CorpusCase, isBinary: boolean): Promise<Read> {
  for (const s of c.setup ?? []) await client.query(s);
  try {
    const config = isBinary
      ? ({ text: c.sql, values: [], binary: true, rowMode: "array", types: asSent, queryMode: "extended" } as unknown as pg.QueryConfig)
      : ({ text: c.sql, rowMode: "array", types: asSent } as pg.QueryArrayConfig);
    const r = await client.query(config);
    return { columnCount: r.fields.length, rows: r.rows as (string | null)[][] };
  } finally {
    for (const s of c.cleanup ?? []) await client.query(s).catch(() => {});
  }
}

function leaksIn(value: string): string[] {
  const lower = value.toLowerCase();
  return LEAK_FORMS.filter((f) => lower.includes(f));
}

/** What is wrong with the gateway's read of a case, compared with the direct one (empty: nothing). */
function findMismatches(c: ReadCase, client: ClientKind, direct: Read, viaGateway: Read): string[] {
  const format = client === "node-postgres binary" ? "binary" : "text";
  if (viaGateway.columnCount !== c.columns.length) return [`${viaGateway.columnCount} columns, expected ${c.columns.length}`];
  if (direct.rows.length !== viaGateway.rows.length) return [`${viaGateway.rows.length} rows, the direct read has ${direct.rows.length}`];
  const problems: string[] = [];
  c.columns.forEach((spec, i) => {
    const expected: ColumnExpectation = typeof spec === "string" ? spec : spec[format];
    direct.rows.forEach((row, r) => {
      const raw = row[i] ?? null;
      const got = viaGateway.rows[r]![i] ?? null;
      const say = (why: string) => problems.push(`column ${i + 1} (${expected}), row ${r + 1}: ${why}: got ${JSON.stringify(got)}, direct ${JSON.stringify(raw)}`);
      if (expected === "raw" && got !== raw) say("differs from the direct read");
      if (expected === "null" && got !== null) say("not NULL");
      if (expected === "rule-mask") {
        const want = raw === null ? null : (RULE_MASKS[raw] ?? `(no rule mask for ${raw})`);
        if (got !== want) say(`not the rule's mask ${JSON.stringify(want)}`);
      }
      if (expected === "masked") {
        if (raw !== null && got === raw) say("raw");
        else if (got !== null && leaksIn(got).length) say(`holds ${leaksIn(got).join(", ")}`);
      }
    });
  });
  return problems;
}

/** `sql` as psql or node-postgres sends it (psql keeps the semicolon). */
function sentAs(sql: string): RegExp {
  return new RegExp(`^\\s*${sql.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*;?\\s*$`);
}

describe("lineage corpus: what each client sees through the gateway", () => {
  let fx: MaskingFixture;

  beforeAll(async () => {
    fx = await startMaskingFixture();
    await fx.admin.query(corpusSetupSql(fx.targetRole));
    await fx.setPolicy(corpusPolicy());
  });
  afterAll(async () => {
    await fx?.closeAll();
  });

  it("has at least 70 statements, each named once, with copies and reads", () => {
    expect(LINEAGE_CORPUS.length).toBeGreaterThanOrEqual(70);
    expect(new Set(LINEAGE_CORPUS.map((c) => c.name)).size).toBe(LINEAGE_CORPUS.length);
    expect(LINEAGE_CORPUS.filter(isHeldCase).length).toBeGreaterThanOrEqual(6);
  });

  /** A node-postgres session of its own per case, so a statement left waiting cannot stall the next case. */
  async function withNodeClient<T>(where: "gateway" | "direct", use: (client: pg.Client, notices: ReturnType<typeof collectNotices>) => Promise<T>): Promise<T> {
    const client = where === "gateway" ? new pg.Client(fx.clientConfig({ application_name: "lineage-corpus" })) : new pg.Client({ connectionString: fx.targetAdminUrl });
    client.on("error", () => {});
    const notices = collectNotices(client);
    await client.connect();
    try {
      return await use(client, notices);
    } finally {
      await client.end().catch(() => {});
    }
  }

  async function readThrough(client: ClientKind, where: "gateway" | "direct", c: ReadCase): Promise<Read> {
    if (client === "psql") {
      const r = await readWithPsql(where === "gateway" ? fx.uri() : fx.targetAdminUrl, c);
      if (!r.read) throw new Error(`psql (${where}) exited with ${r.code}: ${r.stderr.trim()}`);
      return r.read;
    }
    return withNodeClient(where, (node) => readWithNode(node, c, client === "node-postgres binary"));
  }

  /** Sends a copy through the gateway; it must wait for a reviewer, with its reasons, and not happen. */
  async function expectHeld(client: ClientKind, c: HeldCase) {
    if (client === "psql") {
      const sent = readWithPsql(fx.uri(), c).then((r) => ({ error: r.code === 0 ? null : r.stderr.trim(), code: undefined as string | undefined }));
      return judgeHold(c, sent, null);
    }
    return withNodeClient("gateway", (node, notices) => {
      const sent = readWithNode(node, c, client === "node-postgres binary").then(
        () => ({ error: null as string | null, code: undefined as string | undefined }),
        (e: { message: string; code?: string }) => ({ error: e.message, code: e.code }),
      );
      return judgeHold(c, sent, notices);
    });
  }

  async function judgeHold(c: HeldCase, sent: Promise<{ error: string | null; code?: string }>, notices: ReturnType<typeof collectNotices> | null) {
    try {
      const request = await Promise.race([
        pendingRequest(fx.db, sentAs(c.sql)),
        sent.then((outcome) => {
          throw new Error(`not held: the statement ended first (${outcome.error ?? "it ran"})`);
        }),
      ]);
      expect(request.ruleId).toBe("masked-copies");
      expect(request.reasons).toEqual(expect.arrayContaining(c.heldFor));
      await expireNow(fx.db, request.id);
      const outcome = await sent;
      expect(outcome.error).toMatch(/approval timeout/);
      if (notices) {
        expect(outcome.code).toBe("57014");
        expect(notices.requestIds()).toContain(request.id);
      } else {
        // psql prints the hold's NOTICE, naming the request, before the timeout's error.
        expect(outcome.error).toContain(`holding this statement for approval request ${request.id}`);
      }
      expect((await fx.admin.query(c.isUndone)).rows[0]?.ok, c.isUndone).toBe(true);
    } finally {
      await sent;
      if (c.undo) await fx.admin.query(c.undo);
    }
  }

  for (const client of CLIENTS) {
    describe(client, () => {
      for (const c of LINEAGE_CORPUS) {
        if (isHeldCase(c)) {
          it(`held: ${c.name} — ${c.sql}`, () => expectHeld(client, c), 40_000);
          continue;
        }
        it(`${c.name} — ${c.sql}`, async () => {
          const direct = await readThrough(client, "direct", c);
          expect(direct.rows.length, "the direct read returns rows").toBeGreaterThan(0);
          const viaGateway = await readThrough(client, "gateway", c);
          expect(findMismatches(c, client, direct, viaGateway)).toEqual([]);
        });
      }
    });
  }
});
