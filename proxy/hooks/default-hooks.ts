import type { Db } from "@/lib/db/create-db";
import type { StoreListener } from "@/lib/db/store-listener";
import type { Logger } from "../log";
import { createMaskingHooks } from "../masking/masking-hooks";
import { createPolicyEnforcement } from "../policy/enforce-policy";
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
  /** WARDEN_APPROVAL_WEBHOOK_URL: where held statements are announced (Slack-compatible JSON). */
  approvalWebhookUrl?: string;
  approvalPollMs?: number;
  log: Logger;
};

/** Where notices send reviewers when PUBLIC_URL is not set: the console's default address. */
const DEFAULT_PUBLIC_URL = "http://localhost:3000";

/**
 * The hooks a worker runs with: policy enforcement (guardrails, approvals) decides each statement,
 * masking rewrites results. Each concern lives in its own folder and contributes one entry here.
 */
export function createDefaultHooks(deps: DefaultHookDeps): GatewayHooks {
  const policy = createPolicyEnforcement({ ...deps, publicUrl: deps.publicUrl ?? DEFAULT_PUBLIC_URL });
  const masking = createMaskingHooks(deps);
  return {
    decideStatement: policy.decideStatement,
    ...masking,
    close: async () => {
      await policy.close();
      await masking.close();
    },
  };
}
