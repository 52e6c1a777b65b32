import { beforeAll, describe, expect, it } from "vitest";
import { classifySql, loadClassifier } from "./classify-statement";
import { defaultPolicy } from "./default-policy";
import type { PolicyActor } from "./evaluate-policy";
import { judgeStartupSettings, settingStatement, type StartupSetting } from "./judge-startup-settings";
import { policyDocumentSchema, type PolicyDocument } from "./policy-document";

beforeAll(() => loadClassifier());

const human: PolicyActor = { userName: "dev@example.com", actorKind: "human", agentName: null, groups: ["developer"], applicationName: "psql" };

const policyWith = (overrides: Partial<PolicyDocument>): PolicyDocument => policyDocumentSchema.parse({ ...defaultPolicy(), ...overrides });

/** A policy that refuses SET ROLE and SET SESSION AUTHORIZATION, as an admin would write it. */
const noRoleChanges = policyWith({
  guardrails: [{ id: "no-role", name: "No role changes", isEnabled: true, match: { flags: ["set_role", "set_session_authorization"] }, message: "Changing role is not allowed through Warden." }],
});
const readOnly = policyWith({ access: { isReadOnly: true, agentRowCap: null } });

const setting = (name: string, value: string, source: StartupSetting["source"] = "options"): StartupSetting => ({ name, value, source, given: `-c ${name}=${value}` });
const judge = (policy: PolicyDocument, ...settings: StartupSetting[]) => judgeStartupSettings(policy, settings, human);

describe("judgeStartupSettings", () => {
  it("allows ordinary settings, as the equivalent SET statements are allowed", () => {
    expect(judge(noRoleChanges, setting("search_path", "app, public"), setting("statement_timeout", "5000"), setting("DateStyle", "ISO, DMY", "parameter"))).toEqual({ action: "allow" });
    expect(judge(readOnly, setting("default_transaction_read_only", "on"), setting("transaction_read_only", "true"))).toEqual({ action: "allow" });
  });

  it("refuses a role change however the name is spelled, with the rule's message and the SET it was judged as", () => {
    for (const name of ["role", "ROLE", "Role", "session_authorization", "SESSION_AUTHORIZATION"]) {
      const verdict = judge(noRoleChanges, setting("search_path", "x"), setting(name, "postgres"));
      expect(verdict).toMatchObject({ action: "refuse", setting: { name }, ruleName: "No role changes", message: "Changing role is not allowed through Warden." });
    }
    expect(judge(noRoleChanges, setting("role", "x'; reset role; --"))).toMatchObject({ action: "refuse", statement: `SET "role" = 'x''; reset role; --'` });
  });

  it("refuses turning read-only mode off on a read-only connection, whatever false is spelled as", () => {
    for (const value of ["off", "OFF", "false", "f", "no", "0", "of", "", "maybe"]) {
      expect(judge(readOnly, setting("default_transaction_read_only", value))).toMatchObject({ action: "refuse", ruleName: "Read-only connection" });
      expect(judge(readOnly, setting("Transaction_Read_Only", value))).toMatchObject({ action: "refuse" });
    }
    expect(judge(defaultPolicy(), setting("default_transaction_read_only", "off"))).toEqual({ action: "allow" });
  });

  it("refuses what a guardrail on session statements refuses, and a hold (no approval can be asked for at sign-in)", () => {
    const noSession = policyWith({ guardrails: [{ id: "s", name: "No settings", isEnabled: true, match: { kinds: ["session"] }, message: "No." }] });
    expect(judge(noSession, setting("application_name", "psql", "parameter"))).toMatchObject({ action: "refuse", message: "No." });
    const holdSession = policyWith({ approvals: [{ id: "h", name: "Settings need a reviewer", isEnabled: true, match: { kinds: ["session"] }, reviewerGroups: ["reviewer"], minApprovals: 1, timeoutSeconds: 60, allowGrants: false }] });
    expect(judge(holdSession, setting("work_mem", "1GB"))).toMatchObject({ action: "refuse", message: expect.stringMatching(/needs a reviewer's approval \("Settings need a reviewer"\).*SET "work_mem" = '1GB'/) });
  });

  it("judges a name no SET can spell (empty) by the fail-closed rule", () => {
    expect(judge(defaultPolicy(), setting("", "x"))).toMatchObject({ action: "refuse", ruleName: "Statements Warden cannot classify" });
  });

  it("writes a SET statement the classifier reads as exactly that one setting", () => {
    for (const [name, value] of [
      ["my.custom-guc", "it's"],
      ['we"ird', "a\\b"],
      ["search_path", "$user, public"],
    ]) {
      const c = classifySql(settingStatement({ name, value }));
      expect(c).toMatchObject({ isParsed: true, statements: [{ command: "VariableSetStmt", kind: "session" }] });
    }
  });
});

describe("the classifier on the SET statements startup settings stand for", () => {
  const flagsOf = (sql: string) => classifySql(sql).statements.flatMap((s) => s.flags);
  it("flags SET ROLE and SET SESSION AUTHORIZATION whatever the name's case", () => {
    expect(flagsOf(`SET "ROLE" = 'x'`)).toContain("set_role");
    expect(flagsOf(`set "Session_Authorization" to 'x'`)).toContain("set_session_authorization");
  });

  it("flags every way of turning read-only mode off, and none of turning it on", () => {
    for (const sql of [
      "set default_transaction_read_only = off",
      "set default_transaction_read_only = 0",
      "set transaction_read_only to false",
      "set session characteristics as transaction read write",
      "set transaction read write",
      "select set_config('default_transaction_read_only', 'off', false)",
    ]) {
      expect(flagsOf(sql), sql).toContain("set_read_write");
    }
    for (const sql of ["set default_transaction_read_only = on", "set default_transaction_read_only = 1", "set session characteristics as transaction read only", "reset default_transaction_read_only", "set default_transaction_read_only to default"]) {
      expect(flagsOf(sql), sql).not.toContain("set_read_write");
    }
  });
});

describe("settings that would make the server read SQL differently from Warden", () => {
  const flagsOf = (sql: string) => classifySql(sql).statements.flatMap((s) => s.flags);
  it("are refused at sign-in whatever the policy: an ASCII-unsafe client_encoding under any of its names, standard_conforming_strings off", () => {
    for (const value of ["SJIS", "sjis", "Shift_JIS", "shift-jis", "MSKANJI", "WIN932", "BIG5", "GBK", "GB18030", "UHC", "JOHAB", "SHIFT_JIS_2004"]) {
      expect(judge(defaultPolicy(), setting("client_encoding", value, "parameter")), value).toMatchObject({ action: "refuse", ruleName: "Settings that change how SQL is read" });
    }
    expect(judge(defaultPolicy(), setting("standard_conforming_strings", "off"))).toMatchObject({ action: "refuse" });
    for (const value of ["UTF8", "utf-8", "SQL_ASCII", "LATIN1", "WIN1252", "EUC_JP", "KOI8R"]) {
      expect(judge(defaultPolicy(), setting("client_encoding", value, "parameter")), value).toEqual({ action: "allow" });
    }
    expect(judge(defaultPolicy(), setting("standard_conforming_strings", "on"))).toEqual({ action: "allow" });
  });

  it("are flagged in statements too: SET, SET NAMES, set_config", () => {
    for (const sql of ["set client_encoding = 'SJIS'", "set names 'big5'", "set client_encoding to gbk", "set standard_conforming_strings = off", "select set_config('client_encoding', 'SJIS', false)", "select set_config('standard_conforming_strings', current_setting('x'), false)"]) {
      expect(flagsOf(sql), sql).toContain("changes_sql_reading");
    }
    for (const sql of ["set client_encoding = 'UTF8'", "set names 'LATIN1'", "set client_encoding to default", "set standard_conforming_strings = on", "reset client_encoding"]) {
      expect(flagsOf(sql), sql).not.toContain("changes_sql_reading");
    }
  });
});
