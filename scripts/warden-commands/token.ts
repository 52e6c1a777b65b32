import { ACTOR_KINDS, type ActorKind } from "@/drizzle/schema";
import { ServiceError } from "@/lib/server/connections/service-error";
import { createToken } from "@/lib/server/tokens/create-token";
import { listTokens } from "@/lib/server/tokens/list-tokens";
import { revokeToken } from "@/lib/server/tokens/revoke-token";
import { parseTtl } from "@/lib/server/tokens/token-ttl";
import { parseFlags, UsageError, type Command } from "./command";
import { cliActor, openStore } from "./store-access";

const USAGE = "token create --user EMAIL --connection NAME [--ttl 8h] [--agent NAME] [--kind human|agent|service] [--group G]…\n       warden token list [--user EMAIL] [--all] [--json]\n       warden token revoke ID";

/** `warden token create|list|revoke`: the same services as the console's Connect page. */
export const tokenCommand: Command = {
  name: "token",
  usage: "token create --user EMAIL --connection NAME [--ttl 8h] [--agent NAME]",
  summary: "mint a gateway token (printed as the last line); also token list, token revoke ID",
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === "create") return create(rest);
    if (sub === "list") return list(rest);
    if (sub === "revoke") return revoke(rest);
    throw new UsageError(`Usage: warden ${USAGE}`);
  },
};

async function create(args: string[]) {
  const { values } = parseFlags(
    args,
    {
      user: { type: "string" },
      connection: { type: "string" },
      ttl: { type: "string", default: "8h" },
      agent: { type: "string" },
      kind: { type: "string" },
      group: { type: "string", multiple: true },
    },
    USAGE,
  );
  if (!values.user || !values.connection) throw new UsageError(`--user and --connection are required.\nUsage: warden ${USAGE}`);
  const ttlMs = parseTtl(values.ttl ?? "8h");
  if (!ttlMs) throw new UsageError(`--ttl takes a duration such as 30m, 8h or 7d (got "${values.ttl}").`);
  const kind = (values.kind ?? (values.agent ? "agent" : "human")) as ActorKind;
  if (!ACTOR_KINDS.includes(kind)) throw new UsageError(`--kind is one of ${ACTOR_KINDS.join(", ")} (got "${values.kind}").`);
  const store = openStore();
  try {
    const { token, tokenInfo } = await createToken(store.db, store.secretKey, cliActor(), {
      userName: values.user,
      connectionName: values.connection,
      ttlMs,
      actorKind: kind,
      agentName: values.agent ?? null,
      groups: values.group,
    }).catch(explain);
    console.log(`Token ${tokenInfo.hint}… for ${tokenInfo.userName} (${tokenInfo.actorKind}${tokenInfo.agentName ? `, agent ${tokenInfo.agentName}` : ""}) on connection "${tokenInfo.connectionName}", valid until ${tokenInfo.expiresAt}.`);
    console.log(`Sign in to the gateway with user name ${tokenInfo.userName} and this token as the password. It is shown only once:`);
    console.log(token);
  } finally {
    await store.close();
  }
}

async function list(args: string[]) {
  const { values } = parseFlags(args, { user: { type: "string" }, all: { type: "boolean" }, json: { type: "boolean" } }, USAGE);
  const store = openStore();
  try {
    const rows = await listTokens(store.db, { userName: values.user, isActiveOnly: !values.all });
    if (values.json) return console.log(JSON.stringify(rows, null, 2));
    if (rows.length === 0) return console.log("No tokens.");
    for (const t of rows) console.log([t.id, `${t.hint}…`, t.status.padEnd(7), t.userName, t.actorKind, t.agentName ?? "-", t.connectionName, t.expiresAt].join("  "));
  } finally {
    await store.close();
  }
}

async function revoke(args: string[]) {
  const { positionals } = parseFlags(args, {}, USAGE);
  const [id] = positionals;
  if (!id) throw new UsageError(`Usage: warden ${USAGE}`);
  const store = openStore();
  try {
    const t = await revokeToken(store.db, cliActor(), id).catch(explain);
    console.log(`Token ${t.hint}… of ${t.userName} is revoked; gateway sessions using it end within a minute.`);
  } finally {
    await store.close();
  }
}

/** A service's refusal is the user's mistake: a usage error, not a stack trace. */
function explain(err: unknown): never {
  if (err instanceof ServiceError) throw new UsageError(err.message);
  throw err;
}
