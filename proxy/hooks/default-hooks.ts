import type { Db } from "@/lib/db/create-db";
import type { StoreListener } from "@/lib/db/store-listener";
import type { Logger } from "../log";
import type { PolicyCache } from "../policy/policy-cache";
import type { GatewayHooks } from "./gateway-hooks";

export type DefaultHookDeps = {
  db: Db;
  listener: StoreListener;
  policies: PolicyCache;
  secretKey: Buffer;
  /** host:pid of this worker. */
  instance: string;
  /** The console's URL, for notices that point people at the approval inbox. */
  publicUrl: string | undefined;
  log: Logger;
};

/**
 * The hooks a worker runs with: policy enforcement (guardrails, approvals) decides each statement,
 * masking rewrites results. Each concern lives in its own folder and contributes one entry here.
 */
export function createDefaultHooks(_deps: DefaultHookDeps): GatewayHooks {
  return {};
}
