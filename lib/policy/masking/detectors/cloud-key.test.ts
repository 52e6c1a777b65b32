import { describe, expect, it } from "vitest";
import { findCloudKeys } from "./cloud-key";

const found = (text: string) => findCloudKeys(text).map((s) => text.slice(s.start, s.end));

// Built at run time from obviously fake parts, so secret scanners do not flag this file.
const fake = (prefix: string, body: string, n: number) => prefix + body.repeat(Math.ceil(n / body.length)).slice(0, n);
const AWS_ID = "AKIAIOSFODNN7EXAMPLE"; // AWS's documented example
const AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"; // AWS's documented example
const GCP_KEY = fake("AIza", "Fake_Key-", 35);
const GHP = fake("ghp_", "Fake0", 36);
const GITHUB_PAT = fake("github_pat_", "Fake0_", 82);
const SLACK_BOT = ["xoxb", "1234567890", "1234567890123", "FakeFakeFakeFakeFake"].join("-");

describe("cloud key detector", () => {
  it("finds AWS access key ids, long-lived and temporary", () => {
    expect(found(`id=${AWS_ID}`)).toEqual([AWS_ID]);
    const temporary = `ASIA${AWS_ID.slice(4)}`;
    expect(found(`"AccessKeyId": "${temporary}"`)).toEqual([temporary]);
  });

  it("finds an AWS secret key next to its name, and only the key", () => {
    expect(found(`aws_secret_access_key = ${AWS_SECRET}`)).toEqual([AWS_SECRET]);
    expect(found(`AWS_SECRET_ACCESS_KEY="${AWS_SECRET}"`)).toEqual([AWS_SECRET]);
    expect(found(`{"SecretAccessKey": "${AWS_SECRET}"}`)).toEqual([AWS_SECRET]);
  });

  it("finds Google API keys and a service account's private key", () => {
    expect(found(`key=${GCP_KEY}&q=1`)).toEqual([GCP_KEY]);
    const pem = "-----BEGIN PRIVATE KEY-----\\nMIIEfake\\n-----END PRIVATE KEY-----\\n";
    expect(found(`{"type": "service_account", "private_key": "${pem}", "client_email": "x@y.iam.gserviceaccount.com"}`)).toEqual([pem]);
  });

  it("finds GitHub and Slack tokens and Slack webhooks", () => {
    expect(found(`token ${GHP}`)).toEqual([GHP]);
    expect(found(GITHUB_PAT)).toEqual([GITHUB_PAT]);
    for (const p of ["gho_", "ghu_", "ghs_", "ghr_"]) expect(found(fake(p, "Fake0", 36))).toEqual([fake(p, "Fake0", 36)]);
    expect(found(`SLACK_TOKEN=${SLACK_BOT}`)).toEqual([SLACK_BOT]);
    for (const p of ["xoxp", "xoxa", "xoxs"]) expect(found(`${p}-1234567890-abcdef`)).toEqual([`${p}-1234567890-abcdef`]);
    const path = "T00000000/B00000000/FakeFakeFakeFakeFakeFake";
    expect(found(`url https://hooks.slack.com/services/${path} ok`)).toEqual([path]);
  });

  it("does not take look-alikes for keys", () => {
    expect(found("AKIAIOSFODNN7EXAMPL")).toEqual([]); // 15 after the prefix
    expect(found("AKIAIOSFODNN7EXAMPLEX")).toEqual([]); // 17: part of a longer word
    expect(found("akiaiosfodnn7example")).toEqual([]);
    expect(found(`checksum ${AWS_SECRET}`)).toEqual([]); // 40 base64 characters with no name
    expect(found(GCP_KEY.slice(0, -1))).toEqual([]);
    expect(found("ghp_short and xoxb-123 and github_pat_x")).toEqual([]);
    expect(found(`{"private_key_id": "0123456789abcdef0123"}`)).toEqual([]);
    expect(found("https://hooks.example.com/services/T000/B000/abc")).toEqual([]);
  });
});
