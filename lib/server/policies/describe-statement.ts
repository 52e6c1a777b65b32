import "server-only";
import type pg from "pg";
import type { DescribedField, TargetCatalogQueries } from "@/lib/db/target-catalog";

/** The part of node-postgres's connection a describe-only submittable drives (its public "submittable" interface). */
type ProtocolConnection = { parse(q: { text: string; name?: string; types?: number[] }): void; describe(q: { type: "S" | "P"; name?: string }): void; sync(): void };

/**
 * The result columns of a statement, from the server's own description of it: Parse, Describe
 * (statement) and Sync, with no Bind or Execute, so the statement is never run, whatever it is (an
 * UPDATE describes as no columns). One statement per call; a parameter whose type the server cannot
 * infer fails the parse, as it would a client's.
 */
export function describeStatement(client: pg.Client, text: string): Promise<DescribedField[]> {
  return new Promise((resolve, reject) => {
    let fields: DescribedField[] = [];
    const submittable = {
      submit(connection: ProtocolConnection) {
        connection.parse({ text, types: [] });
        connection.describe({ type: "S" });
        connection.sync();
      },
      handleRowDescription(msg: { fields: { name: string; tableID: number; columnID: number; dataTypeID: number }[] }) {
        fields = msg.fields.map((f) => ({ name: f.name, tableOid: f.tableID, columnNumber: f.columnID, typeOid: f.dataTypeID }));
      },
      // node-postgres drops a query on its ErrorResponse (the ReadyForQuery after it is its own), so the error settles it.
      handleError: reject,
      handleReadyForQuery() {
        resolve(fields);
      },
      handleDataRow() {},
      handleCommandComplete() {},
      handleEmptyQuery() {},
      handlePortalSuspended() {},
      handleCopyInResponse() {},
      handleCopyData() {},
    };
    void client.query(submittable as unknown as pg.QueryConfig);
  });
}

/** Type parsers that parse nothing: catalog answers as the text PostgreSQL sent. */
const TEXT_ONLY = { getTypeParser: () => (v: string) => v };

/**
 * The target's catalog over a console pg client, as lib/db's loaders read it. A describe runs in a
 * savepoint, so a view that no longer describes does not abort the read-only transaction the preview
 * runs in; a catalog query that fails ends the preview's lineage (loaders may run queries side by side,
 * which savepoints of one name would interleave).
 */
export function targetCatalogOf(client: pg.Client): TargetCatalogQueries {
  return {
    query: async (sql, params) => (await client.query<(string | null)[]>({ text: sql, values: params ? [...params] : undefined, rowMode: "array", types: TEXT_ONLY })).rows,
    describe: (sql) => inSavepoint(client, () => describeStatement(client, sql)),
  };
}

/** Runs `work` in a savepoint of the open transaction, rolled back to on failure so the transaction goes on. */
export async function inSavepoint<T>(client: pg.Client, work: () => Promise<T>): Promise<T> {
  await client.query("savepoint warden_preview");
  try {
    const out = await work();
    await client.query("release savepoint warden_preview");
    return out;
  } catch (err) {
    await client.query("rollback to savepoint warden_preview").catch(() => {});
    throw err;
  }
}
