import type { WardenConfig } from "@/lib/shared/config";
import type { GatewayConfig } from "@/proxy/start-gateway";
import { childNodeOptions } from "./child-node-options";

/** What a gateway process is configured with: the worker's settings, and how many workers to run. */
export type GatewaySettings = GatewayConfig & Partial<Pick<WardenConfig, "GATEWAY_WORKERS" | "GATEWAY_METRICS_PORT" | "GATEWAY_METRICS_HOST">>;

/** Every setting the gateway reads, so a value the launcher or the bench did not set is not inherited from this process either. */
const GATEWAY_VARIABLES = [
  "DATABASE_URL",
  "WARDEN_SECRET_KEY",
  "PUBLIC_URL",
  "GATEWAY_PORT",
  "GATEWAY_HOST",
  "GATEWAY_TLS_CERT",
  "GATEWAY_TLS_KEY",
  "GATEWAY_ALLOW_PLAINTEXT_PASSWORDS",
  "GATEWAY_RECORDING_MODE",
  "GATEWAY_WORKERS",
  "GATEWAY_MAX_MESSAGE_BYTES",
  "GATEWAY_MAX_PREPARED_STATEMENTS",
  "GATEWAY_MAX_CONNECTIONS",
  "GATEWAY_METRICS_PORT",
  "GATEWAY_METRICS_HOST",
  "WARDEN_APPROVAL_WEBHOOK_URL",
  "WARDEN_DATA_DIR",
  "LOG_LEVEL",
] as const satisfies readonly (keyof GatewaySettings)[];

/**
 * The environment of a gateway process (`node dist/gateway.mjs`), which is configured by nothing
 * else: `settings` written back as the variables lib/shared/config.ts parses (the key as hex).
 */
export function gatewayEnvironment(settings: GatewaySettings, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, NODE_ENV: "production" };
  for (const name of GATEWAY_VARIABLES) {
    const value = settings[name];
    if (value === undefined) delete env[name];
    else env[name] = Buffer.isBuffer(value) ? value.toString("hex") : String(value);
  }
  env.NODE_OPTIONS = childNodeOptions(env);
  return env;
}
