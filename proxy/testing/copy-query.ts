import type pg from "pg";

type Connection = { query(text: string): void; sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void };

/**
 * COPY through node-postgres without pg-copy-streams: a query object using the driver's public
 * "submittable" interface, which `client.query()` accepts. FROM STDIN sends `data`; TO STDOUT
 * collects the CopyData chunks.
 */
export function copyQuery(client: pg.Client, text: string, data?: Buffer[]): Promise<{ tag: string; chunks: Buffer[] }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let tag = "";
    const submittable = {
      submit(connection: Connection) {
        connection.query(text);
      },
      handleCopyInResponse(connection: Connection) {
        for (const d of data ?? []) connection.sendCopyFromChunk(d);
        connection.endCopyFrom();
      },
      handleCopyData(msg: { chunk: Buffer }) {
        chunks.push(msg.chunk);
      },
      handleCommandComplete(msg: { text: string }) {
        tag = msg.text;
      },
      // The driver forgets the query after an error: ReadyForQuery is not passed on then.
      handleError(err: Error) {
        reject(err);
      },
      handleReadyForQuery() {
        resolve({ tag, chunks });
      },
      handleRowDescription() {},
      handleDataRow() {},
      handleEmptyQuery() {},
      handlePortalSuspended() {},
    };
    void client.query(submittable as unknown as pg.QueryConfig);
  });
}
