export type JsonBody = { ok: true; value: unknown } | { ok: false; status: 400 | 413; message: string };

/** A request's JSON body, read up to `maxBytes` (413 past it, whether or not Content-Length said so). */
export async function readJsonBody(req: Request, maxBytes: number): Promise<JsonBody> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) return { ok: false, status: 413, message: `The request body is over ${maxBytes} bytes.` };
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        return { ok: false, status: 413, message: `The request body is over ${maxBytes} bytes.` };
      }
      chunks.push(value);
    }
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString("utf8")) };
  } catch {
    return { ok: false, status: 400, message: "Parse error: the request body must be JSON-RPC." };
  }
}
