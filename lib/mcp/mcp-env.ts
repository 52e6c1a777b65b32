import { z } from "zod";

/**
 * The environment `warden mcp` reads beside Warden's own settings (lib/shared/config.ts), validated
 * once by the command's entry point. The token stays out of flags: flags show in process lists and
 * in the MCP client's config files, an environment variable can come from a secret store.
 */
const schema = z.object({
  WARDEN_TOKEN: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : undefined)),
  WARDEN_USER: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : undefined)),
  /** host:port, [v6]:port, or host alone (port 6432). */
  WARDEN_GATEWAY: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v?.trim()) return undefined;
      const address = parseGatewayAddress(v.trim());
      if (!address) {
        ctx.addIssue({ code: "custom", message: `WARDEN_GATEWAY must be host:port, such as localhost:6432 (got "${v}").` });
        return z.NEVER;
      }
      return address;
    }),
  /** A PEM file with the CA (or the self-signed certificate) to verify the gateway's certificate with. */
  WARDEN_GATEWAY_CA: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : undefined)),
});

export type McpEnv = z.infer<typeof schema>;

export function parseMcpEnv(env: Record<string, string | undefined>): { ok: true; env: McpEnv } | { ok: false; problems: string[] } {
  const r = schema.safeParse(env);
  return r.success ? { ok: true, env: r.data } : { ok: false, problems: r.error.issues.map((i) => i.message) };
}

export function parseGatewayAddress(text: string, defaultPort = 6432): { host: string; port: number } | null {
  const m = /^(?:\[([^\]]+)\]|([^:\s[\]]+))(?::(\d{1,5}))?$/.exec(text);
  if (!m) return null;
  const port = m[3] === undefined ? defaultPort : Number(m[3]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { host: (m[1] ?? m[2])!, port };
}
