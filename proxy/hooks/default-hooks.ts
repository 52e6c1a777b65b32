import type { Db } from "@/lib/db/create-db";
import type { StoreListener } from "@/lib/db/store-listener";
import type { Logger } from "../log";
import { openCatalogClient } from "../masking/catalog-client";
import { createMaskingHooks } from "../masking/masking-hooks";
import { createPolicyEnforcement } from "../policy/enforce-policy";
import { createFunctionResolver } from "../policy/function-oids";
import type { PolicyCache } from "../policy/policy-cache";
import { CATALOG_NOT_LOADED, createReadSafetyCheck, readSafetyHooks } from "../policy/read-safety-catalog";
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
 * masking rewrites results, read safety says which reads may start before their record commits.
 * Each concern lives in its own folder and contributes one entry here.
 */
export function createDefaultHooks(deps: DefaultHookDeps): GatewayHooks {
  // Masking and policy share one lineage service, on masking's catalog connections.
  const { lineage, ...masking } = createMaskingHooks(deps);
  const policy = createPolicyEnforcement({ ...deps, publicUrl: deps.publicUrl ?? DEFAULT_PUBLIC_URL, lineage });
  const readSafetyCheck = createReadSafetyCheck({
    openCatalog: (connectionId) => openCatalogClient(deps.db, deps.secretKey, connectionId, 10_000),
    log: deps.log.child({ component: "read-safety" }),
  });
  const readSafety = readSafetyHooks(readSafetyCheck);
  const functions = createFunctionResolver({
    openCatalog: (connectionId) => openCatalogClient(deps.db, deps.secretKey, connectionId, 10_000),
    log: deps.log.child({ component: "function-oids" }),
  });
  return {
    decideStatement: policy.decideStatement,
    decideStartupSettings: policy.decideStartupSettings,
    blastRadiusRule: policy.blastRadiusRule,
    holdBlastRadius: policy.holdBlastRadius,
    ...masking,
    isSafeRead: readSafety.isSafeRead,
    isPlainInsert: readSafety.isPlainInsert,
    whenReadSafetyKnown(ctx) {
      if (ctx.parseError !== null) return null;
      if (!ctx.classification.plainInsertTarget && readSafetyCheck.whyNotSafeRead(ctx.session, ctx.classification) !== CATALOG_NOT_LOADED) return null;
      if (ctx.classification.plainInsertTarget && readSafetyCheck.isCatalogLoaded(ctx.session.connection.id)) return null;
      // Bounded: a load that hangs leaves the read measured (the safe side), not the session stuck.
      const loaded = readSafetyCheck.ready(ctx.session.connection.id).catch(() => {});
      return Promise.race([loaded, new Promise<void>((r) => setTimeout(r, 5_000).unref())]);
    },
    describeFunction: (session, oid) => functions.describe(session.connection.id, oid),
    onStatementFinished(ctx) {
      masking.onStatementFinished(ctx);
      readSafety.onStatementFinished(ctx);
      // DDL may rename, move or drop functions (a function's OID then names another schema or name).
      if (ctx.classification.kind === "ddl" || ctx.parseError !== null) functions.forget(ctx.session.connection.id);
    },
    onReadyForQuery: (session, status) => readSafetyCheck.onReadyForQuery(session, status),
    close: async () => {
      functions.close();
      await policy.close();
      await masking.close();
      await readSafety.close();
    },
  };
}
