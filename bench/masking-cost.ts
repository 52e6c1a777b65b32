/**
 * What masking costs per row, without a gateway, a server or a socket: the large-result bench's rows
 * (bench/large-table.ts) through transformFrame under each policy of bench/large-result-only.ts, in
 * user CPU time (less skewed by other load on the machine than wall time). For profiling the masking
 * code alone: bundle it (esbuild, packages external) and run it with node --cpu-prof.
 *
 *   npx tsx bench/masking-cost.ts [ROWS] [--distinct-cards] [--only=masked,default,every]
 */
import { createNodeMaskingContext } from "@/lib/policy/masking/keyed-hash-node";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { matchColumn } from "@/lib/policy/masking";
import { encodeDataRow } from "@/proxy/protocol/backend-decoders";
import { compileMasking, createRowMasker, planColumn } from "@/proxy/masking/result-masking";
import { everyDetectorPolicy, maskedLargeTablePolicy } from "./masking-policy";

const N = Number(process.argv[2] ?? 200_000);
const distinct = process.argv.includes("--distinct-cards");
const luhn = (base: string) => { let sum = 0; for (let i = base.length - 1, dbl = true; i >= 0; i--, dbl = !dbl) { let d = base.charCodeAt(i) - 48; if (dbl) { d *= 2; if (d > 9) d -= 9; } sum += d; } return String((10 - (sum % 10)) % 10); };
const card = (g: number) => { if (!distinct) return "4111 1111 1111 1111"; const n = "4" + String(g).padStart(14, "0"); return (n + luhn(n)).replace(/(\d{4})(?=\d)/g, "$1 "); };
const rows = Array.from({ length: N }, (_, i) => encodeDataRow([String(i + 1), `person${i + 1}@example.com`, `+1 555 ${String((i + 1) % 1e7).padStart(7, "0")}`, card(i + 1), "2026-12-07 19:00:00.123456+00"].map((s) => Buffer.from(s))));
const ctx = createNodeMaskingContext(Buffer.alloc(32, 7));
const cols = [["id", 23], ["email", 25], ["phone", 25], ["card_number", 25], ["created_at", 1184]] as const;
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length).split(",");
for (const [name, policy] of [["masked", maskedLargeTablePolicy], ["default", defaultPolicy], ["every", everyDetectorPolicy]] as const) {
  if (only && !only.includes(name)) continue;
  const m = compileMasking(1, policy().masking, ctx);
  const plans = cols.map(([c, oid]) => planColumn(m, m.matchesColumns ? matchColumn(m, [{ schema: "public", table: "bench_large", column: c }], c) : null, oid === 25 ? "text" : "plain", false));
  const work = rows.map((r) => Buffer.from(r));
  const masker = createRowMasker(plans, cols.map((c) => c[0]), m, null)!;
  for (let i = 0; i < 20_000; i++) masker.transformFrame!(Buffer.from(rows[i]!));
  const t = process.cpuUsage();
  for (let i = 0; i < N; i++) masker.transformFrame!(work[i]!);
  const ns = (process.cpuUsage(t).user * 1000) / N;
  console.log(`${name.padEnd(8)} ${ns.toFixed(0).padStart(5)} ns/row   e.g. ${JSON.stringify(work[1]!.subarray(7).toString("latin1").replace(/[\0-\x1f]+/g, "|"))}`);
}
