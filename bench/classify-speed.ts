/**
 * Microbenchmark of the classifier on the gateway's hot path: µs per statement for statements whose
 * literals change every time (pgbench's), as the gateway sees them. Not a test; prints figures.
 *
 *   npx tsx bench/classify-speed.ts [iterations]
 *
 * Runs against whatever lib/policy/classify-statement.ts is in this tree, so the same script can
 * measure an older checkout (copy it into that tree's bench/).
 */
import { normalizeSync, scanSync } from "libpg-query";
import { classifySql, loadClassifier } from "../lib/policy/classify-statement";

const iterations = Number(process.argv[2] ?? 20_000);

/** A deterministic pseudo-random sequence, so before and after see the same statements. */
function makeRandom(seed: number) {
  let x = seed;
  return (max: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return 1 + (x % max);
  };
}

type Scenario = { name: string; next: (r: (max: number) => number) => string };

const scenarios: Scenario[] = [
  { name: "pgbench -S select (new aid each time)", next: (r) => `SELECT abalance FROM pgbench_accounts WHERE aid = ${r(10_000_000)};` },
  {
    name: "pgbench tpcb-like, 5 statements in turn",
    next: (() => {
      let i = 0;
      return (r) => {
        const aid = r(10_000_000);
        const delta = r(10_000) - 5000;
        switch (i++ % 5) {
          case 0:
            return `UPDATE pgbench_accounts SET abalance = abalance + ${delta} WHERE aid = ${aid};`;
          case 1:
            return `SELECT abalance FROM pgbench_accounts WHERE aid = ${aid};`;
          case 2:
            return `UPDATE pgbench_tellers SET tbalance = tbalance + ${delta} WHERE tid = ${r(1000)};`;
          case 3:
            return `UPDATE pgbench_branches SET bbalance = bbalance + ${delta} WHERE bid = ${r(100)};`;
          default:
            return `INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (${r(1000)}, ${r(100)}, ${aid}, ${delta}, CURRENT_TIMESTAMP);`;
        }
      };
    })(),
  },
  {
    name: "ORM-style select with strings and IN list",
    next: (r) =>
      `SELECT "orders"."id", "orders"."status", "orders"."total" FROM "orders" INNER JOIN "customers" ON "customers"."id" = "orders"."customer_id" ` +
      `WHERE "customers"."email" = 'user${r(1_000_000)}@example.com' AND "orders"."status" IN ('paid', 'shipped', 'n${r(99)}') ` +
      `AND "orders"."created_at" > '2024-0${r(9)}-01'::timestamptz ORDER BY "orders"."created_at" DESC LIMIT ${r(100)} OFFSET ${r(1000)}`,
  },
  { name: "multi-statement simple query", next: (r) => `BEGIN; UPDATE t SET v = v + ${r(1000)} WHERE id = ${r(1_000_000)}; COMMIT;` },
  { name: "same text every time (select 1)", next: () => "select 1" },
  { name: "literal-dependent: set_config (by text)", next: (r) => `select set_config('application_name', 'app${r(1_000_000)}', false)` },
];

function measure(label: string, fn: (sql: string) => unknown, next: (r: (max: number) => number) => string) {
  const r = makeRandom(42);
  const texts = Array.from({ length: iterations }, () => next(r));
  // Warm-up: the JIT, and the caches as a running gateway has them.
  for (let round = 0; round < 2; round++) for (const t of texts) fn(t);
  const started = process.hrtime.bigint();
  for (const t of texts) fn(t);
  const us = Number(process.hrtime.bigint() - started) / 1000 / texts.length;
  console.log(`${label.padEnd(48)} ${us.toFixed(2).padStart(8)} µs/statement`);
}

await loadClassifier();
console.log(`classifySql, ${iterations} statements per scenario (after a warm-up)`);
for (const s of scenarios) measure(s.name, (sql) => classifySql(sql), s.next);
console.log("\nfor comparison, libpg-query's own scanner and normalizer on the pgbench -S statement:");
measure("scanSync", (sql) => scanSync(sql), scenarios[0].next);
measure("normalizeSync", (sql) => normalizeSync(sql), scenarios[0].next);
try {
  const { shapeOfSql } = await import("../lib/policy/statement-shape");
  measure("shapeOfSql (this tree's lexer)", (sql) => shapeOfSql(sql), scenarios[0].next);
} catch {
  // an older tree without the shape lexer
}
