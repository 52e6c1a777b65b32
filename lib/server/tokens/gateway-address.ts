import "server-only";
import type { RuntimeConfig } from "@/lib/shared/config";

/**
 * Where clients reach the gateway: the host people already use for the console (PUBLIC_URL's host
 * name, since both run behind the same name) and GATEWAY_PORT. GATEWAY_HOST is the address the
 * gateway binds to, often 0.0.0.0, which is no use to a client.
 */
export function gatewayAddress(config: Pick<RuntimeConfig, "PUBLIC_URL" | "GATEWAY_PORT">): { host: string; port: number } {
  return { host: new URL(config.PUBLIC_URL).hostname, port: config.GATEWAY_PORT };
}
