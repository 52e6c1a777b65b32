import { ZodError } from "zod";
import { ACTOR_KINDS, connections, type ActorKind } from "@/drizzle/schema";
import { DEMO_USERS } from "@/lib/dev-oidc/demo-users";
import { UUID } from "@/lib/server/approvals/get-approval-request";
import { ServiceError } from "@/lib/server/connections/service-error";
import { createToken } from "@/lib/server/tokens/create-token";
import { listTokens } from "@/lib/server/tokens/list-tokens";
import { revokeToken } from "@/lib/server/tokens/revoke-token";
import { MAX_TOKEN_TTL_MS, parseTtl } from "@/lib/server/tokens/token-ttl";
import { parseFlags, UsageError, usageLines, type Command } from "./command";
import { findKnownGroups, GROUP_SOURCES, unknownGroupsReason } from "./known-groups";
import { cliActor, withStore } from "./store-access";

const CREATE_USAGE = "token create --user EMAIL --connection NAME [--ttl 8h] [--agent NAME] [--kind human|agent|service] [--group NAME]…";
const LIST_USAGE = "token list [--user EMAIL] [--all] [--json]";
const REVOKE_USAGE = "token revoke ID";
const USAGE = [CREATE_USAGE, `       warden ${LIST_USAGE}`, `       warden ${REVOKE_USAGE}`].join("\n");

const CREATE_HELP = `${usageLines(CREATE_USAGE)}

Mints a token that signs EMAIL in to the gateway on one connection, prints it once (as the last
line), and records the mint in the audit trail (token.create). The connection must allow one of
the holder's groups, which come from the first of:

  1. the groups the identity provider gave EMAIL at their last sign-in to the console. The
     gateway, too, judges someone who has signed in by these (fresh at each sign-in), whatever the
     token says, so --group is refused for them.
  2. --group NAME, repeatable, for someone who has never signed in: a service account, or a person
     before their first sign-in. Whoever can run this command holds the store's credentials
     (DATABASE_URL and WARDEN_SECRET_KEY, or the files of the embedded store), as an admin does;
     in the console, too, only admins may set a token's groups. The groups are written on the
     token and in its token.create audit event (after.groups), with you (cli:USER@HOST) as the
     actor; the gateway judges the token by them until the holder signs in to the console.
  3. on the embedded default only (no DATABASE_URL and no OIDC_ISSUER, as a bare \`npm start\`
     runs): the demo users of the local OpenID provider, before they sign in:
${DEMO_USERS.map((u) => `       ${u.email} (${u.groups.join(", ")})`).join("\n")}

Warden does not ask the identity provider itself: when none of these applies, the command refuses;
have the person sign in to the console once, or pass --group.

The token records you (cli:USER@HOST) as its minter, beside EMAIL as its subject; reviewers see
both, and \`warden approvals decide\` run as you refuses to approve what the token runs.

Options:
  --user EMAIL        who signs in with the token: a person's email or a service account's name
  --connection NAME   the connection in the catalog (the database name clients connect to)
  --ttl DURATION      how long the token lives: 30m, 8h (the default), 7d; at most 90d
  --agent NAME        the agent that uses it (claude-code, cursor, …); the kind is then agent
  --kind KIND         human (the default), agent or service
  --group NAME        one of the holder's groups, for someone never signed in; repeat it for several

Example:
  npx warden token create --user dev@example.com --connection demo
`;

const LIST_HELP = `${usageLines(LIST_USAGE)}

Lists tokens (never the tokens themselves): active ones, or all with --all.

Options:
  --user EMAIL   only this holder's tokens
  --all          expired and revoked tokens too
  --json         as JSON
`;

const REVOKE_HELP = `${usageLines(REVOKE_USAGE)}

Revokes a token by its id (from \`warden token list\`); gateway sessions using it end within a minute.
`;

/** `warden token create|list|revoke`: the same services as the console's Connect page. */
export const tokenCommand: Command = {
  name: "token",
  usage: "token create --user EMAIL --connection NAME [--ttl 8h] [--agent NAME] [--group NAME]…",
  summary: "mint a gateway token (printed as the last line); also token list, token revoke ID",
  help(sub) {
    if (sub === "create") return CREATE_HELP;
    if (sub === "list") return LIST_HELP;
    if (sub === "revoke") return REVOKE_HELP;
    return `${usageLines(USAGE)}\n\nGateway tokens: the password a person, agent or service signs in to the gateway with.\nMore: warden token create --help, warden token list --help, warden token revoke --help.\n`;
  },
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === "create") return create(rest);
    if (sub === "list") return list(rest);
    if (sub === "revoke") return revoke(rest);
    throw new UsageError(`${sub ? `Unknown subcommand "token ${sub}".\n` : ""}${usageLines(USAGE)}`);
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
    CREATE_USAGE,
  );
  if (!values.user?.trim() || !values.connection?.trim()) throw new UsageError(`--user and --connection are required.\n${usageLines(CREATE_USAGE)}`);
  const userName = values.user.trim();
  const connectionName = values.connection.trim();
  const ttlMs = parseTtl(values.ttl ?? "8h");
  if (!ttlMs) throw new UsageError(`--ttl takes a duration such as 30m, 8h or 7d (got "${values.ttl}").`);
  if (ttlMs > MAX_TOKEN_TTL_MS) throw new UsageError(`--ttl is at most 90d: tokens are short-lived (got "${values.ttl}").`);
  const kind = (values.kind ?? (values.agent ? "agent" : "human")) as ActorKind;
  if (!ACTOR_KINDS.includes(kind)) throw new UsageError(`--kind is one of ${ACTOR_KINDS.join(", ")} (got "${values.kind}").`);
  if (values.group?.some((g) => !g.trim())) throw new UsageError("--group takes a group name (got an empty one).");

  await withStore(async (store) => {
    const catalog = await store.db.select({ name: connections.name, allowedGroups: connections.allowedGroups }).from(connections);
    const connection = catalog.find((c) => c.name === connectionName);
    if (!connection) {
      const names = catalog.map((c) => c.name).sort();
      throw new UsageError(`There is no connection named "${connectionName}"; ${names.length ? `the connections are: ${names.join(", ")}` : "the catalog has no connections yet (add one in the console)"}.`);
    }
    const known = await findKnownGroups(store.db, store.location, userName, values.group);
    if (!known) {
      throw new UsageError(
        `${unknownGroupsReason(userName, store.location)}. Have them sign in to the console once, or pass --group NAME for each of their groups (connection "${connection.name}" allows ${connection.allowedGroups.join(", ") || "no groups"}).`,
      );
    }
    if (values.group?.length && known.source === GROUP_SOURCES.signIn) {
      throw new UsageError(
        `${userName} has signed in to the console, so the gateway judges them by the groups their identity provider gave them (${known.groups.join(", ") || "none"}), not by a token's; --group is only for someone who has never signed in. Leave it out.`,
      );
    }
    const from = { [GROUP_SOURCES.flag]: "as given with --group", [GROUP_SOURCES.signIn]: "from their last sign-in", [GROUP_SOURCES.demo]: "of the demo user" }[known.source];
    if (!known.groups.some((g) => connection.allowedGroups.includes(g))) {
      // createToken refuses this too; here the sentence can say where the groups came from.
      throw new UsageError(
        `${userName} is in ${known.groups.join(", ") || "no groups"} (${from}); connection "${connection.name}" allows ${connection.allowedGroups.join(", ") || "no groups"}, so the gateway would refuse the token.`,
      );
    }
    const { token, tokenInfo } = await createToken(store.db, store.secretKey, cliActor(), {
      userName,
      connectionName,
      ttlMs,
      actorKind: kind,
      agentName: values.agent ?? null,
      groups: known.groups,
    }).catch(explain);
    console.log(`Token ${tokenInfo.hint}… for ${tokenInfo.userName} (${tokenInfo.actorKind}${tokenInfo.agentName ? `, agent ${tokenInfo.agentName}` : ""}) on connection "${tokenInfo.connectionName}", valid until ${tokenInfo.expiresAt}; groups ${tokenInfo.groups.join(", ")} (${from}).`);
    console.log(`Sign in to the gateway with user name ${tokenInfo.userName} and this token as the password. It is shown only once:`);
    console.log(token);
  });
}

async function list(args: string[]) {
  const { values } = parseFlags(args, { user: { type: "string" }, all: { type: "boolean" }, json: { type: "boolean" } }, LIST_USAGE);
  await withStore(async (store) => {
    const rows = await listTokens(store.db, { userName: values.user, isActiveOnly: !values.all });
    if (values.json) return console.log(JSON.stringify(rows, null, 2));
    if (rows.length === 0) return console.log(values.all ? "No tokens." : "No active tokens (--all shows expired and revoked ones).");
    for (const t of rows) console.log([t.id, `${t.hint}…`, t.status.padEnd(7), t.userName, t.actorKind, t.agentName ?? "-", t.connectionName, t.expiresAt].join("  "));
  });
}

async function revoke(args: string[]) {
  const { positionals } = parseFlags(args, {}, REVOKE_USAGE, 1);
  const [id] = positionals;
  if (!id) throw new UsageError(`Give the token's id (from \`warden token list\`).\n${usageLines(REVOKE_USAGE)}`);
  // The store would answer a malformed id with a type error; it names no token either way.
  if (!UUID.test(id)) throw new UsageError(`There is no token with id "${id}" (ids come from \`warden token list\`).`);
  await withStore(async (store) => {
    const t = await revokeToken(store.db, cliActor(), id).catch(explain);
    console.log(`Token ${t.hint}… of ${t.userName} is revoked; gateway sessions using it end within a minute.`);
  });
}

/** A service's refusal is the user's mistake: a usage error, not a stack trace. */
function explain(err: unknown): never {
  if (err instanceof ServiceError) throw new UsageError(err.message);
  if (err instanceof ZodError) throw new UsageError(err.issues.map((i) => i.message).join(" "));
  throw err;
}
