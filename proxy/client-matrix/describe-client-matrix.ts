import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SideRun } from "./case-outcome";
import { SIDES, startClientMatrix, type ClientMatrix, type MatrixTarget, type Side } from "./matrix-fixture";

export type RunCases = (target: MatrixTarget, matrix: ClientMatrix) => Promise<SideRun>;

/**
 * Runs a client's cases directly against PostgreSQL, then through the gateway, and makes two tests
 * of each case: directly it must pass (a case that fails here is the client's or the case's, not the
 * gateway's), and through the gateway it must observe exactly what it observed directly.
 */
export function describeClientMatrix(client: string, cases: readonly string[], runCases: RunCases) {
  describe(`client matrix: ${client}`, () => {
    let matrix: ClientMatrix;
    const runs = {} as Record<Side, SideRun & { seconds: number }>;
    beforeAll(async () => {
      const starting = Date.now();
      matrix = await startClientMatrix();
      console.log(`${client}: server and gateway ready in ${((Date.now() - starting) / 1000).toFixed(1)} s`);
      for (const side of SIDES) {
        const started = Date.now();
        const run = await runCases(matrix.targets[side], matrix);
        runs[side] = { ...run, seconds: (Date.now() - started) / 1000 };
        const slowest = [...run.outcomes].sort((a, b) => (b.ms ?? 0) - (a.ms ?? 0)).slice(0, 3);
        console.log(`${client} ${side}: ${runs[side].seconds.toFixed(1)} s; slowest: ${slowest.map((o) => `${o.case} ${o.ms} ms`).join(", ")}`);
      }
    }, 300_000);
    afterAll(() => matrix?.close());

    const found = (side: Side, name: string) => runs[side].outcomes.find((o) => o.case === name);
    const outcome = (side: Side, name: string) => {
      const o = found(side, name);
      return o && { case: o.case, ok: o.ok, detail: o.detail };
    };
    const context = (side: Side, name: string) => {
      const o = found(side, name);
      return o ? `${client} ${side}${o.trace ? `, thrown:\n${o.trace}` : ""}` : `${client} ${side}: no outcome; log:\n${runs[side].log.slice(-4000)}`;
    };

    it("reports every case once on each side, and nothing else", () => {
      for (const side of SIDES) expect(runs[side].outcomes.map((o) => o.case).sort(), `${client} ${side} log:\n${runs[side].log.slice(-4000)}`).toEqual([...cases].sort());
    });

    for (const name of cases) {
      it(`${name}: directly`, () => {
        expect(outcome("direct", name), context("direct", name)).toMatchObject({ case: name, ok: true });
      });
      it(`${name}: through the gateway, as directly`, () => {
        expect(outcome("gateway", name), context("gateway", name)).toEqual(outcome("direct", name));
      });
    }
  });
}
