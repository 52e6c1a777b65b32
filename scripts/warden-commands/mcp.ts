import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { format } from "node:util";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { findHolderGroups, findLiveToken } from "@/lib/crypto/find-live-token";
import { createWardenMcpServer } from "@/lib/mcp/create-warden-mcp-server";
import type { PolicySource } from "@/lib/mcp/mcp-options";
import { parseGatewayAddress, parseMcpEnv } from "@/lib/mcp/mcp-env";
import { loadClassifier } from "@/lib/policy/classify-statement";
import { getCurrentPolicy } from "@/lib/server/policies/get-current-policy";
import { parseConfig, type WardenConfig } from "@/lib/shared/config";
import { createLogger } from "@/proxy/log";
import { CliFailure, parseFlags, UsageError, usageLines, type Command } from "./command";
import { explainStoreError, locateStore, openStore, type Store, type StoreLocation } from "./store-access";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const USAGE = "mcp --connection NAME [--user EMAIL] [--gateway HOST:PORT] [--ca FILE] [--console-url URL]";

const HELP = `${usageLines(USAGE)}

Serves the Model Context Protocol on stdin/stdout for one agent (Claude Code, Cursor, VS Code
Copilot), with the tools list_connections, list_tables, describe_table, explain, query, execute,
approval_status and wait_for_approval. Every statement goes through the Warden gateway as the
token's holder, over TLS: policy, masking, approvals and recording are those of any other client,
and the Sessions page shows the session with the application name mcp:<the client's name>.
Nothing but the protocol is written to stdout; logs go to stderr.

Environment:
  WARDEN_TOKEN        the token (agent or service kind) from \`warden token create --agent NAME\`
                      or the console's Connect page. Required; never a flag, so it stays out of
                      process lists.
  WARDEN_USER         the token's user, when the store is not reachable from here (a token does
                      not name its user; the gateway checks the pair). Same as --user.
  WARDEN_GATEWAY      the gateway's HOST:PORT (default localhost:GATEWAY_PORT, 6432). Same as --gateway.
  WARDEN_GATEWAY_CA   a PEM file to verify the gateway's certificate with (default: the embedded
                      default's self-signed certificate in WARDEN_DATA_DIR, when there is one;
                      otherwise the system's CAs). Same as --ca.
  PUBLIC_URL          the console, for approval links (default http://localhost:PORT).

When the CLI reaches Warden's store (DATABASE_URL and WARDEN_SECRET_KEY, or the embedded store of
\`npm start\`), it checks the token there first (known, not revoked, not expired, scoped to
--connection), takes the user from it, and reads the connection's policy from there for explain's
verdict and describe_table's masked columns. Without the store, those two tools say the policy is
not readable from here; the gateway enforces it all the same.

Options:
  --connection NAME   the catalog connection the token is scoped to (required)
  --user EMAIL        the token's user (see WARDEN_USER)
  --gateway HOST:PORT where the gateway listens (see WARDEN_GATEWAY)
  --ca FILE           the gateway's CA certificate (see WARDEN_GATEWAY_CA)
  --console-url URL   the console's address for approval links (see PUBLIC_URL)
`;

/** `warden mcp`: the stdio transport of the MCP server in lib/mcp. */
export const mcpCommand: Command = {
  name: "mcp",
  usage: "mcp --connection NAME",
  summary: "serve MCP on stdio for an agent (token in WARDEN_TOKEN), every statement through the gateway",
  help: () => HELP,
  async run(args) {
    const { values } = parseFlags(
      args,
      { connection: { type: "string" }, user: { type: "string" }, gateway: { type: "string" }, ca: { type: "string" }, "console-url": { type: "string" } },
      USAGE,
    );
    if (!values.connection) throw new UsageError(`--connection is required.\n${usageLines(USAGE)}`);
    const config = parseConfig(process.env);
    const parsed = parseMcpEnv(process.env);
    if (!parsed.ok) throw new CliFailure(parsed.problems.join("\n"));
    const env = parsed.env;
    if (!env.WARDEN_TOKEN) {
      throw new CliFailure("WARDEN_TOKEN is not set: mint an agent token with `npx warden token create --user EMAIL --connection NAME --agent NAME` (or on the console's Connect page) and put it in WARDEN_TOKEN.");
    }
    let gateway = env.WARDEN_GATEWAY ?? { host: "localhost", port: config.GATEWAY_PORT };
    if (values.gateway) {
      const address = parseGatewayAddress(values.gateway);
      if (!address) throw new UsageError(`--gateway must be HOST:PORT, such as localhost:6432 (got "${values.gateway}").\n${usageLines(USAGE)}`);
      gateway = address;
    }
    const ca = readCa(values.ca ?? env.WARDEN_GATEWAY_CA, config);
    const consoleUrl = (values["console-url"] ?? config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, "");

    // Anything a library prints would corrupt the protocol on stdout: send it to stderr.
    for (const level of ["log", "info", "debug", "warn"] as const) console[level] = (...a: unknown[]) => void process.stderr.write(`${format(...a)}\n`);
    const log = createLogger(config.LOG_LEVEL, (line) => process.stderr.write(`${line}\n`)).child({ component: "warden-mcp" });

    const holder = await identifyHolder(env.WARDEN_TOKEN, values.connection, values.user ?? env.WARDEN_USER, config);
    await loadClassifier();
    const warden = createWardenMcpServer({
      gateway: { ...gateway, ca: ca ?? undefined },
      userName: holder.userName,
      token: env.WARDEN_TOKEN,
      connectionName: values.connection,
      consoleUrl,
      readPolicy: holder.readPolicy,
      log,
    });
    const transport = new StdioServerTransport();
    await new Promise<void>((resolve, reject) => {
      let isEnding = false;
      const end = (why: string) => {
        if (isEnding) return;
        isEnding = true;
        log.debug("ending", { why });
        void Promise.all([warden.close(), holder.close()]).then(() => resolve(), reject);
      };
      warden.server.server.onclose = () => end("transport closed");
      process.stdin.on("end", () => end("stdin ended"));
      process.stdin.on("close", () => end("stdin closed"));
      process.once("SIGTERM", () => end("SIGTERM"));
      process.once("SIGINT", () => end("SIGINT"));
      warden.server.connect(transport).then(() => log.info("serving MCP on stdio", { connection: values.connection, user: holder.userName, gateway: `${gateway.host}:${gateway.port}`, policy: holder.readPolicy ? "from the store" : "not readable" }), reject);
    });
  },
};

type Holder = { userName: string; readPolicy: PolicySource | undefined; close(): Promise<void> };

/**
 * Who the token belongs to, and where the policy comes from. With the store at hand: the token as the
 * gateway would find it (known, live, scoped to this connection, an agent's or a service's), its user,
 * and the connection's current policy read afresh at each call. Without: the user named by flag or
 * environment, and no policy source (the gateway still judges everything).
 */
async function identifyHolder(presented: string, connectionName: string, namedUser: string | undefined, config: WardenConfig): Promise<Holder> {
  let location: StoreLocation | null = null;
  try {
    location = locateStore(config);
  } catch (err) {
    if (!(err instanceof CliFailure)) throw err;
  }
  if (!location) return withoutStore(namedUser, "no store is configured here");
  let store: Store | null = null;
  try {
    store = openStore(location);
    const found = await findLiveToken(store.db, store.secretKey, presented);
    if (!found.isLive) throw new CliFailure(`WARDEN_TOKEN cannot sign in: ${found.reason}. Mint a new one with \`npx warden token create\` or on the console's Connect page.`);
    const token = found.token;
    if (token.connectionName !== connectionName) throw new CliFailure(`WARDEN_TOKEN is scoped to connection "${token.connectionName}", not "${connectionName}": pass --connection ${token.connectionName}, or mint a token for ${connectionName}.`);
    if (token.actorKind === "human") throw new CliFailure("WARDEN_TOKEN is a person's token: warden mcp takes an agent's or a service's, so the session is recorded as the agent's. Mint one with `npx warden token create --agent NAME`.");
    if (namedUser && namedUser.toLowerCase() !== token.userName.toLowerCase()) throw new CliFailure(`WARDEN_TOKEN was issued to ${token.userName}, not ${namedUser}.`);
    const db = store.db;
    const open = store;
    return {
      userName: token.userName,
      readPolicy: async () => {
        const [current, groups] = await Promise.all([getCurrentPolicy(db, token.connectionId), findHolderGroups(db, token)]);
        return { version: current.version, document: current.document, actor: { userName: token.userName, actorKind: token.actorKind, agentName: token.agentName, groups } };
      },
      close: () => open.close(),
    };
  } catch (err) {
    await store?.close().catch(() => {});
    if (err instanceof CliFailure) throw err;
    const explained = explainStoreError(err, location);
    // A store that is configured but down: go on without it when the user is known, since the gateway does not need us to reach it.
    if (explained && namedUser) return withoutStore(namedUser, explained.message);
    throw explained ?? err;
  }
}

function withoutStore(namedUser: string | undefined, why: string): Holder {
  if (!namedUser) {
    throw new CliFailure(`Set WARDEN_USER (or --user) to the token's user: ${why}, and a token does not name its user.`);
  }
  process.stderr.write(`warden mcp: ${why}; the policy is not readable from here, so explain gives no verdict and describe_table does not name masked columns (the gateway enforces the policy all the same).\n`);
  return { userName: namedUser, readPolicy: undefined, close: async () => {} };
}

/** The CA PEM: the file named, else the embedded default's self-signed certificate when there is one, else null (the system's CAs). */
function readCa(file: string | undefined, config: WardenConfig): string | null {
  if (file) {
    try {
      return fs.readFileSync(file, "utf8");
    } catch (err) {
      throw new CliFailure(`Cannot read the gateway's CA certificate ${file}: ${(err as Error).message}`);
    }
  }
  const selfSigned = path.resolve(ROOT, config.WARDEN_DATA_DIR, "gateway-tls.crt");
  return fs.existsSync(selfSigned) ? fs.readFileSync(selfSigned, "utf8") : null;
}
