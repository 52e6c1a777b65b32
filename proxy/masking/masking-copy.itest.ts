import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoPolicy } from "@/lib/policy/default-policy";
import { copyQuery } from "../testing/copy-query";
import { runTool } from "../testing/run-tool";
import { startMaskingFixture, type MaskingFixture } from "./testing/masking-fixture";

/** Rows of a binary COPY: fields as buffers (null for NULL). https://www.postgresql.org/docs/current/sql-copy.html#SQL-COPY-BINARY-FORMAT */
function parseBinaryCopy(data: Buffer): (Buffer | null)[][] {
  let at = 19 + data.readInt32BE(15);
  const rows: (Buffer | null)[][] = [];
  for (;;) {
    const n = data.readInt16BE(at);
    at += 2;
    if (n === -1) return rows;
    const row: (Buffer | null)[] = [];
    for (let i = 0; i < n; i++) {
      const len = data.readInt32BE(at);
      at += 4;
      row.push(len < 0 ? null : data.subarray(at, at + len));
      at += Math.max(len, 0);
    }
    rows.push(row);
  }
}

describe("masking: COPY TO STDOUT", () => {
  let fx: MaskingFixture;
  beforeAll(async () => {
    // COPY (query) TO STDOUT is a copy of masked data, held by default (proxy/lineage/lineage-copies.itest.ts):
    // allowed here, where its masking is under test.
    const demo = demoPolicy();
    fx = await startMaskingFixture({}, { ...demo, masking: { ...demo.masking, lineage: { ...demo.masking.lineage, copies: "allow" } } });
    // Text that needs COPY's escapes around a detected address.
    await fx.admin.query(`update customers set notes = E'write to ann@example.com\\tor call\\\\back' where id = 1; cluster customers using customers_pkey`);
  });
  afterAll(async () => {
    await fx?.closeAll();
  });

  const psql = (command: string, app: string) => runTool("psql", ["-X", "-v", "ON_ERROR_STOP=1", "-At", fx.uri(), "-c", command], { env: { PGAPPNAME: app } });

  it("psql \\copy, text format: ruled columns and detector findings masked, escapes kept", async () => {
    const r = await psql("\\copy customers to stdout", "copy-text");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      [
        "1\tAnn Lee\ta**@example.com\t+*********23\t**** **** **** 1111\t***-**-6789\twrite to a**@example.com\\tor call\\\\back",
        "2\tBob Stone\tb********@example.org\t(***) ***-**42\t****-****-****-0004\t***-**-7890\t\\N",
        "",
      ].join("\n"),
    );
  });

  it("psql \\copy, CSV with a header: masked fields are quoted", async () => {
    const r = await psql("\\copy customers (id, email, card_number, notes) to stdout with (format csv, header)", "copy-csv");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      ["id,email,card_number,notes", '1,"a**@example.com","**** **** **** 1111","write to a**@example.com\tor call\\back"', '2,"b********@example.org","****-****-****-0004",', ""].join("\n"),
    );
  });

  it("COPY (query): columns traced through the described query; computed ones by lineage (once by the detectors)", async () => {
    const r = await psql("\\copy (select id, national_id as nid, upper(email) from customers order by id) to stdout with (format csv)", "copy-query");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(['1,"***-**-6789","****"', '2,"***-**-7890","****"', ""].join("\n"));
  });

  it("binary COPY: text values masked in place, a masked value of another type is NULL", async () => {
    const c = await fx.connect({ application_name: "copy-binary" });
    try {
      const { chunks } = await copyQuery(c, "copy (select id, email, replace(card_number, '-', '')::bigint as card from customers where id = 2) to stdout (format binary)");
      const [row] = parseBinaryCopy(Buffer.concat(chunks));
      expect(row![0]!.readInt32BE(0)).toBe(2);
      expect(row![1]!.toString()).toBe("b********@example.org");
      expect(row![2]).toBeNull();
    } finally {
      await c.end();
    }
  });

  it("refuses COPY data it cannot read as UTF-8 (ENCODING), and the session goes on", async () => {
    const c = await fx.connect();
    try {
      await expect(copyQuery(c, "copy customers to stdout (encoding 'LATIN1')")).rejects.toMatchObject({ code: "XX000", message: expect.stringMatching(/result withheld.*ENCODING/) });
      expect((await c.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
    } finally {
      await c.end();
    }
  });

  it("records the masked COPY data and which messages had findings", async () => {
    const [copy] = await fx.recorded("copy-csv", 1);
    expect(copy!.rows).toEqual([
      ["id,email,card_number,notes\n"],
      ['1,"a**@example.com","**** **** **** 1111","write to a**@example.com\tor call\\back"\n'],
      ['2,"b********@example.org","****-****-****-0004",\n'],
    ]);
    expect(copy!.maskedColumns).toEqual([
      { index: 1, name: "email", matchedBy: "column_rule", semanticTypes: ["email"], rule: "public.customers.email" },
      { index: 2, name: "card_number", matchedBy: "column_rule", semanticTypes: ["card_number"], rule: "public.customers.card_number" },
      // Message 1 (after the header) had an address in its notes.
      { index: 3, name: "notes", matchedBy: "detector", semanticTypes: ["email"], rule: null, detectors: ["email"], rows: [1] },
    ]);
  });
});
