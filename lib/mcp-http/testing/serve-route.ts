import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";

type RouteHandler = (req: Request) => Promise<Response>;

/**
 * Serves a Next route module's handlers on a loopback port with node:http, as `next start` does:
 * the request as a web Request (body streamed), the Response's body streamed back, and the body
 * cancelled when the client goes away. What a test needs to drive a route with a real HTTP client.
 */
export async function serveRoute(path: string, handlers: Partial<Record<"GET" | "POST" | "DELETE", RouteHandler>>): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const handler = handlers[req.method as keyof typeof handlers];
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    if (url.pathname !== path || !handler) {
      res.writeHead(url.pathname === path ? 405 : 404).end();
      return;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
      else if (value !== undefined) headers.set(name, value);
    }
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(url, { method: req.method, headers, body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined, duplex: "half" } as RequestInit);
    let response: Response;
    try {
      response = await handler(request);
    } catch (err) {
      res.writeHead(500).end(String(err));
      return;
    }
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (!response.body) {
      res.end();
      return;
    }
    const reader = response.body.getReader();
    res.on("close", () => void reader.cancel().catch(() => {}));
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        res.write(value);
      }
    } catch {
      // the client went away, or the stream was closed with the session
    }
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
