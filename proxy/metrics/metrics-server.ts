import http from "node:http";
import type net from "node:net";
import type { Readiness } from "./store-readiness";

export type MetricsServerOptions = {
  host: string;
  /** 0 picks a free port (tests); GATEWAY_METRICS_PORT=0 means no server at all and is the caller's. */
  port: number;
  /** The text exposition of the metrics (this process's registry, or the workers' sum). */
  metrics(): Promise<string>;
  contentType: string;
  readiness(): Promise<Readiness>;
};

export type MetricsServer = { host: string; port: number; close(): Promise<void> };

/**
 * The gateway's operations port: GET /metrics (Prometheus text format), /healthz (the process
 * answers: 200) and /readyz (200 when the gateway listens and its store answers, else 503 with the
 * reason). Anything else is 404, another method 405. No authentication: it binds to loopback by
 * default (GATEWAY_METRICS_HOST), and nothing it shows is secret.
 */
export async function startMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    void answer(req, res, opts).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end(`metrics failed: ${err.message}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    host: opts.host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const TEXT = "text/plain; charset=utf-8";

async function answer(req: http.IncomingMessage, res: http.ServerResponse, opts: MetricsServerOptions): Promise<void> {
  const path = (req.url ?? "/").split("?")[0];
  if (path !== "/metrics" && path !== "/healthz" && path !== "/readyz") {
    res.writeHead(404, { "content-type": TEXT }).end("not found: try /metrics, /healthz or /readyz\n");
    return;
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { "content-type": TEXT, allow: "GET, HEAD" }).end("method not allowed\n");
    return;
  }
  const isHead = req.method === "HEAD";
  if (path === "/healthz") {
    res.writeHead(200, { "content-type": TEXT }).end(isHead ? undefined : "ok\n");
    return;
  }
  if (path === "/readyz") {
    const r = await opts.readiness();
    res.writeHead(r.isReady ? 200 : 503, { "content-type": TEXT }).end(isHead ? undefined : r.isReady ? "ready\n" : `not ready: ${r.reason}\n`);
    return;
  }
  const body = await opts.metrics();
  res.writeHead(200, { "content-type": opts.contentType }).end(isHead ? undefined : body);
}
