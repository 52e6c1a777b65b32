import fs from "node:fs";
import path from "node:path";
import tls from "node:tls";
import type { GatewayAddress } from "@/lib/mcp/create-warden-mcp-server";
import type { WardenConfig } from "@/lib/shared/config";

export type GatewayTargetConfig = Pick<WardenConfig, "GATEWAY_HOST" | "GATEWAY_PORT" | "GATEWAY_TLS_CERT" | "WARDEN_DATA_DIR"> & Partial<Pick<WardenConfig, "GATEWAY_TLS_CA">> & { PUBLIC_URL: string };

/** The self-signed certificate the gateway makes on the embedded default (proxy/tls/load-gateway-tls.ts). */
export const SELF_SIGNED_CERT_FILE = "gateway-tls.crt";

/**
 * Where the console's MCP sessions reach the gateway, and how they trust it. GATEWAY_HOST is the
 * address the gateway binds to; a wildcard means "this host", so loopback. Trust:
 * - GATEWAY_TLS_CA (or else GATEWAY_TLS_CERT) set: the system's roots plus that file (a self-signed or privately issued
 *   certificate works, and so does one from a public CA), checked against PUBLIC_URL's host name,
 *   the name clients are told to use (lib/server/tokens/gateway-address.ts);
 * - otherwise the embedded default's self-signed certificate under WARDEN_DATA_DIR, which names
 *   localhost and the loopback addresses;
 * - otherwise no extra trust: the first tool call fails with the TLS error, rather than the console
 *   ever talking to the gateway unverified.
 * `cwd` resolves a relative WARDEN_DATA_DIR as the launcher does (the console runs in the project root).
 * The turbopackIgnore comments: these paths are configuration read at run time, not files for the
 * build to trace (without them it would ship the whole project with the route).
 */
export function resolveGatewayTarget(config: GatewayTargetConfig, cwd: string = process.cwd()): GatewayAddress {
  const host = loopbackFor(config.GATEWAY_HOST);
  const trusted = config.GATEWAY_TLS_CA ?? config.GATEWAY_TLS_CERT;
  if (trusted) {
    const pem = fs.readFileSync(/*turbopackIgnore: true*/ path.resolve(cwd, trusted), "utf8");
    return { host, port: config.GATEWAY_PORT, ca: [...tls.rootCertificates, pem].join("\n"), servername: new URL(config.PUBLIC_URL).hostname };
  }
  const selfSigned = path.resolve(/*turbopackIgnore: true*/ cwd, config.WARDEN_DATA_DIR, SELF_SIGNED_CERT_FILE);
  if (fs.existsSync(/*turbopackIgnore: true*/ selfSigned)) return { host, port: config.GATEWAY_PORT, ca: fs.readFileSync(/*turbopackIgnore: true*/ selfSigned, "utf8") };
  return { host, port: config.GATEWAY_PORT };
}

function loopbackFor(bindHost: string): string {
  if (bindHost === "" || bindHost === "0.0.0.0") return "127.0.0.1";
  if (bindHost === "::" || bindHost === "[::]") return "::1";
  return bindHost;
}
