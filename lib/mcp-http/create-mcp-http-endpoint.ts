import "server-only";
import { randomUUID } from "node:crypto";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { findHolderGroups, findLiveToken, type LiveToken } from "@/lib/crypto/find-live-token";
import type { Db } from "@/lib/db/create-db";
import { createWardenMcpServer, type GatewayAddress, type McpLogger } from "@/lib/mcp/create-warden-mcp-server";
import { getCurrentPolicy } from "@/lib/server/policies/get-current-policy";
import { readBearerToken } from "./bearer-token";
import { McpSessionRegistry, type McpSessionEntry } from "./mcp-session-registry";
import { JSONRPC_CODES, jsonRpcError, unauthorized } from "./mcp-http-responses";
import { readJsonBody } from "./read-json-body";

export type McpHttpEndpointDeps = {
  db: Db;
  secretKey: Buffer;
  /** Read when a session opens, so a certificate the gateway writes after the console started is found. */
  gateway: () => GatewayAddress;
  /** PUBLIC_URL: approval links, and the one Origin a browser may send. */
  consoleUrl: string;
  registry?: McpSessionRegistry<HttpSession>;
  log?: McpLogger;
  /** How long after the request a refused token is answered (tests shorten it). */
  failureAnswerMs?: number;
};

export type McpHttpEndpoint = {
  handle(req: Request): Promise<Response>;
  /** Ends every session (tests, shutdown). */
  close(): Promise<void>;
  readonly sessionCount: number;
};

type HttpSession = McpSessionEntry & { transport: WebStandardStreamableHTTPServerTransport };

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const TOKEN_KINDS = ["agent", "service"] as const;

/**
 * /api/mcp: the MCP Streamable HTTP transport (the SDK's web-standard one) for agents, authenticated
 * by a Warden token as a bearer token, never by console cookies. Every request's token is checked
 * again (revocation and expiry take effect at once); an `initialize` without a session id opens a
 * session with its own MCP server, whose tools reach the database only through the gateway, signed
 * in as the token's user with the token itself, so the gateway judges the sign-in as for any client.
 */
/** Every refused token gets these words: which of unknown, revoked, expired or a person's it was is the log's to say. */
export const TOKEN_REFUSED =
  "The Warden token was not accepted. MCP takes a live agent or service token: mint one on the console's Connect page (tick \"For an AI agent\").";
/** A refused token is answered no sooner than this after the request came in, whatever the reason. */
const DEFAULT_FAILURE_ANSWER_MS = 200;
const sleep = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve());

export function createMcpHttpEndpoint(deps: McpHttpEndpointDeps): McpHttpEndpoint {
  const log = deps.log;
  const registry = deps.registry ?? new McpSessionRegistry<HttpSession>({ onError: (err, id) => log?.warn("mcp session close failed", { sessionId: id, error: String(err) }) });
  const allowedOrigin = new URL(deps.consoleUrl).origin;

  async function handle(req: Request): Promise<Response> {
    try {
      return await route(req);
    } catch (err) {
      // Unexpected (a certificate file that cannot be read, a bug): logged, and answered as JSON-RPC.
      log?.error("mcp request failed", { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      return jsonRpcError(500, JSONRPC_CODES.internalError, "Something went wrong in Warden's MCP endpoint; the console's log says what.");
    }
  }

  async function route(req: Request): Promise<Response> {
    // DNS rebinding (MCP transport spec, "Security Warning"): agents send no Origin; a browser page
    // from elsewhere must not reach the endpoint even though its cookies would not count here.
    const origin = req.headers.get("origin");
    if (origin && origin !== allowedOrigin) return jsonRpcError(403, JSONRPC_CODES.badRequest, `Requests from ${origin} are not allowed.`);

    const presented = readBearerToken(req.headers.get("authorization"));
    if (!presented) return unauthorized("Send Authorization: Bearer <token> with a Warden agent or service token from the console's Connect page.", { hasToken: false });
    const checkStartedAt = Date.now();
    let token: LiveToken;
    try {
      const found = await findLiveToken(deps.db, deps.secretKey, presented);
      // Unknown, revoked, expired, or a person's: one answer, after one delay, as the gateway does,
      // so the endpoint cannot be used to tell a live token from a dead one. Why goes to the log.
      const refusal = !found.isLive ? found.code : !(TOKEN_KINDS as readonly string[]).includes(found.token.actorKind) ? "person_token" : null;
      if (refusal !== null || !found.isLive) {
        log?.info("mcp token refused", { reason: refusal });
        await sleep(checkStartedAt + (deps.failureAnswerMs ?? DEFAULT_FAILURE_ANSWER_MS) - Date.now());
        return unauthorized(TOKEN_REFUSED, { hasToken: true });
      }
      token = found.token;
    } catch (err) {
      log?.error("mcp token check failed", { error: String(err) });
      return jsonRpcError(503, JSONRPC_CODES.internalError, "The Warden store is unreachable; try again.", { "retry-after": "5" });
    }

    const sessionId = req.headers.get("mcp-session-id");
    if (sessionId) {
      const session = registry.find(sessionId, token.id);
      // Another token's session is answered as an unknown one: ids are not to be probed.
      if (!session) return jsonRpcError(404, JSONRPC_CODES.sessionNotFound, "Session not found; initialize a new one.");
      const done = registry.beginRequest(sessionId);
      try {
        return whenBodyEnds(await session.transport.handleRequest(req), done);
      } catch (err) {
        done();
        throw err;
      }
    }
    if (req.method !== "POST") return jsonRpcError(400, JSONRPC_CODES.badRequest, "Bad Request: Mcp-Session-Id header is required");
    const body = await readJsonBody(req, MAX_BODY_BYTES);
    if (!body.ok) return jsonRpcError(body.status, body.status === 413 ? JSONRPC_CODES.badRequest : JSONRPC_CODES.parseError, body.message);
    if (!isInitializeRequest(body.value)) return jsonRpcError(400, JSONRPC_CODES.badRequest, "Bad Request: No valid session ID provided");
    return openSession(req, body.value, token);
  }

  async function openSession(req: Request, initialize: unknown, token: LiveToken): Promise<Response> {
    const warden = createWardenMcpServer({
      gateway: deps.gateway(),
      userName: token.userName,
      token: readBearerToken(req.headers.get("authorization"))!,
      connectionName: token.connectionName,
      consoleUrl: deps.consoleUrl,
      readPolicy: async () => {
        const [current, groups] = await Promise.all([getCurrentPolicy(deps.db, token.connectionId), findHolderGroups(deps.db, token)]);
        return { version: current.version, document: current.document, actor: { userName: token.userName, actorKind: token.actorKind, agentName: token.agentName, groups } };
      },
      log,
    });
    let openedId: string | undefined;
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => {
        openedId = id;
        registry.add({ id, tokenId: token.id, transport, close: () => warden.close() });
      },
      onsessionclosed: (id) => registry.close(id),
    });
    // Set before connect, which chains it: a transport closed by the server's close() leaves the map too.
    transport.onclose = () => {
      if (openedId) void registry.close(openedId);
    };
    await warden.server.connect(transport);
    const res = await transport.handleRequest(req, { parsedBody: initialize });
    if (!openedId) await warden.close();
    log?.info("mcp session opened", { sessionId: openedId, tokenId: token.id, userName: token.userName, connection: token.connectionName });
    return res;
  }

  return {
    handle,
    close: () => registry.closeAll(),
    get sessionCount() {
      return registry.size;
    },
  };
}

/**
 * The same response, calling `done` once its body has been read to the end or cancelled (the client
 * went away): a session with an SSE stream open, or a wait for approval running, is not idle.
 */
function whenBodyEnds(res: Response, done: () => void): Response {
  if (!res.body) {
    done();
    return res;
  }
  const reader = res.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done: isEnd, value } = await reader.read();
        if (isEnd) {
          done();
          controller.close();
        } else controller.enqueue(value);
      } catch (err) {
        done();
        controller.error(err);
      }
    },
    cancel(reason) {
      done();
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

