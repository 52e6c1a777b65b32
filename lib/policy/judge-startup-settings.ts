import { classifySql } from "./classify-statement";
import { evaluatePolicy, type PolicyActor } from "./evaluate-policy";
import type { PolicyDocument } from "./policy-document";

/**
 * A setting a client asks for at sign-in: a startup parameter (search_path, DateStyle,
 * application_name, any parameter) or one that the `options` parameter sets (`-c name=value`).
 */
export type StartupSetting = {
  /** The parameter's name as the server receives it (PostgreSQL finds it in any case). */
  name: string;
  value: string;
  source: "parameter" | "options";
  /** The client's own spelling, for messages: `-c ROLE=x`, `--role=x`, `-e`, or the parameter's name. */
  given: string;
};

export type StartupSettingsVerdict =
  | { action: "allow" }
  /** `statement`: the SET the setting was judged as; `message`: the rule's words for the client. */
  | { action: "refuse"; setting: StartupSetting; statement: string; ruleName: string; message: string; reasons: string[] };

/**
 * Judges each startup setting as the equivalent `SET name = value` statement would be judged: the
 * same classifier (SET ROLE, SET SESSION AUTHORIZATION, read-only mode turned off...) and the same
 * rules. The first setting that the policy would block, or hold for a reviewer, refuses the sign-in:
 * approval cannot be asked for before a session exists. Pure: the gateway and tests call it alike.
 */
export function judgeStartupSettings(policy: PolicyDocument, settings: readonly StartupSetting[], actor: PolicyActor): StartupSettingsVerdict {
  for (const setting of settings) {
    const statement = settingStatement(setting);
    const classified = classifySql(statement);
    const outcome = evaluatePolicy(policy, { statements: classified.statements, actor, parseError: classified.isParsed ? null : classified.error });
    if (outcome.action === "forward") continue;
    const message =
      outcome.action === "block"
        ? outcome.message
        : `It needs a reviewer's approval ("${outcome.rule.name}"), which cannot be asked for while signing in; sign in without it and run ${statement} in the session.`;
    return { action: "refuse", setting, statement, ruleName: outcome.rule.name, message, reasons: outcome.reasons };
  }
  return { action: "allow" };
}

/** `SET "name" = 'value'`: what a startup setting is judged as, and how records show it. */
export function settingStatement(setting: Pick<StartupSetting, "name" | "value">): string {
  return `SET ${quoteIdentifier(asciiLower(setting.name))} = ${quoteLiteral(setting.value)}`;
}

/** Lower case as PostgreSQL folds setting names: ASCII letters only. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A standard string literal (standard_conforming_strings on, as the classifier reads SQL). */
function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
