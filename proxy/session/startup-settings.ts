import type { StartupSetting } from "@/lib/policy/judge-startup-settings";
import { formatOptions, parseOptions, type OptionsError } from "@/lib/policy/startup-options";

/**
 * What a client's StartupMessage asks of the server besides who and where: every parameter that is
 * a setting, and the settings its `options` parameter holds. PostgreSQL applies `options` first,
 * then the other parameters, in order; each is a setting (a GUC) except the names the server reads
 * itself (exact, lower-case: user, database, options, replication; `_pq_.` protocol options).
 * https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-STARTUPMESSAGE
 */
export type StartupPlan = {
  /** Every setting, in the order the server applies them: what policy judges and the session records. */
  settings: StartupSetting[];
  /** The upstream StartupMessage's parameters besides user and database: exactly the settings judged. */
  upstreamParameters: Record<string, string>;
  /** application_name as the session will have it (the last one set), for the record and the policy. */
  applicationName: string | null;
};

/** Parameters PostgreSQL reads itself rather than as settings (compared exactly, as the server does). */
const RESERVED_PARAMETERS = new Set(["user", "database", "options", "replication"]);

const isReserved = (name: string) => RESERVED_PARAMETERS.has(name) || name.startsWith("_pq_.");

export function planStartupSettings(parameters: ReadonlyMap<string, string>): { isValid: true; plan: StartupPlan } | { isValid: false; error: OptionsError } {
  const settings: StartupSetting[] = [];
  const options = parameters.get("options");
  if (options !== undefined) {
    const parsed = parseOptions(options);
    if (!parsed.isValid) return parsed;
    for (const s of parsed.settings) settings.push({ name: s.name, value: s.value, source: "options", given: s.given });
  }
  for (const [name, value] of parameters) {
    if (isReserved(name) || name === "fallback_application_name") continue;
    settings.push({ name, value, source: "parameter", given: name });
  }
  // libpq's fallback_application_name names the client when application_name is not given; the
  // server has no such setting.
  const fallback = parameters.get("fallback_application_name");
  if (fallback !== undefined && !parameters.has("application_name")) {
    settings.push({ name: "application_name", value: fallback, source: "parameter", given: "fallback_application_name" });
  }

  // Settings from `options` travel as parameters of their own (no second reading of a string),
  // before the client's parameters, so a parameter still wins over `options` as it does in the
  // server. A setting whose name the server would read as something else (`-c options=...`) stays
  // in an `options` value, where the server reads it as the setting it is (and refuses it).
  // No prototype: a parameter named "__proto__" is a parameter like any other.
  const upstreamParameters = Object.create(null) as Record<string, string>;
  const inOptions: { name: string; value: string }[] = [];
  for (const s of settings) {
    if (s.source === "options" && isReserved(s.name)) inOptions.push(s);
    else if (s.name in upstreamParameters) {
      // The same parameter twice: the server applies the later value.
      delete upstreamParameters[s.name];
      upstreamParameters[s.name] = s.value;
    } else upstreamParameters[s.name] = s.value;
  }
  if (inOptions.length > 0) upstreamParameters.options = formatOptions(inOptions);

  const applicationName = settings.findLast((s) => s.name.replace(/[A-Z]/g, (c) => c.toLowerCase()) === "application_name")?.value ?? null;
  return { isValid: true, plan: { settings, upstreamParameters, applicationName } };
}

/** The setting that makes every transaction of a session read-only unless it says otherwise. */
export const READ_ONLY_SETTING = "default_transaction_read_only";

/**
 * The upstream parameters of a read-only session (lib/policy/is-session-read-only.ts): the client's,
 * with default_transaction_read_only=on last, under any spelling of its name the client used. As
 * a startup parameter it is the session's default, so RESET, RESET ALL, SET ... TO DEFAULT and
 * DISCARD ALL return to on; policy refuses whatever would turn it off (SET, set_config, BEGIN READ
 * WRITE, SET SESSION CHARACTERISTICS), and a change that slips past ends the session
 * (reading-guard.ts). PostgreSQL then refuses writes itself, including those of a function a SELECT
 * calls, which Warden cannot see.
 */
export function readOnlyUpstreamParameters(parameters: Readonly<Record<string, string>>): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(parameters)) {
    if (name.replace(/[A-Z]/g, (c) => c.toLowerCase()) !== READ_ONLY_SETTING) out[name] = value;
  }
  out[READ_ONLY_SETTING] = "on";
  return out;
}
