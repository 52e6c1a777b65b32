import type { PolicyActor } from "@/lib/policy/match-rule";
import type { PolicyDocument } from "@/lib/policy/policy-document";

/**
 * What a Warden MCP server needs to know. Shared by both transports: `warden mcp` (stdio) fills it
 * from flags and the environment, the console's `/api/mcp` (Streamable HTTP) from the bearer token.
 */

/** Where the gateway listens, and how to trust its TLS certificate. The MCP server always uses TLS. */
export type GatewayAddress = {
  host: string;
  port: number;
  /** PEM of the CA (or the self-signed certificate) that signed the gateway's certificate. */
  ca?: string;
  /**
   * Verify the gateway's certificate (default true). Only for a gateway reached through a name its
   * certificate does not carry; never the default.
   */
  rejectUnauthorized?: boolean;
  /** The name to check the certificate against, when it differs from `host`. */
  servername?: string;
};

/**
 * The policy in force on the connection, as the gateway's policy cache reads it (version 0: the
 * default), and the actor it judges this token as: the token's user, kind (agent, service), agent
 * name, and groups as the gateway takes them (the user's console groups when they signed in, else
 * the token's). The MCP server adds the application name (`mcp:<client>`).
 */
export type CurrentPolicy = { version: number; document: PolicyDocument; actor: Omit<PolicyActor, "applicationName"> };

/**
 * Reads the policy in force on the token's connection, for `explain` (the verdict) and
 * `describe_table` (which columns are masked). It is read again at every call, so a policy saved a
 * moment ago is the one described. The caller decides the path: the console reads its store after
 * checking the bearer token; `warden mcp` reads the store the CLI reaches, after checking the token
 * against it. When absent, those tools say the policy is not readable from here, and never guess.
 */
export type PolicySource = () => Promise<CurrentPolicy>;

/** Structurally the gateway's Logger (proxy/log.ts), so either side can pass its own. */
export type McpLogger = {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
};

export type WardenMcpOptions = {
  gateway: GatewayAddress;
  /** The token's user: the gateway checks that the token was issued to this name. */
  userName: string;
  /** A Warden token (agent or service kind): the password of every gateway session this server opens. */
  token: string;
  /** The catalog connection the token is scoped to (the gateway's database name). */
  connectionName: string;
  /** The console's base URL, for approval links: `${consoleUrl}/approvals/<id>`. */
  consoleUrl: string;
  /** See PolicySource. */
  readPolicy?: PolicySource;
  /**
   * How long `wait_for_approval` may wait at most, whatever the model asks (default 10 minutes). The
   * HTTP transport may want less than its request timeout.
   */
  maxWaitSeconds?: number;
  /** Logs go here, never to stdout (stdout is the stdio transport's protocol channel). */
  log?: McpLogger;
};
