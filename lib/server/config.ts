import "server-only";
import { parseConfig, requireRuntimeConfig, type RuntimeConfig } from "@/lib/shared/config";

let cached: RuntimeConfig | undefined;

/** The console's configuration, validated on first use (not at build time) and then kept. */
export function getConfig(): RuntimeConfig {
  cached ??= requireRuntimeConfig(parseConfig(process.env));
  return cached;
}
