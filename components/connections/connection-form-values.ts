import type { z } from "zod";
import { parseGroupList } from "@/lib/shared/contracts/group-names";
import {
  createConnectionInput,
  testConnectionInput,
  updateConnectionInput,
  type ConnectionDto,
  type CreateConnectionInput,
  type FieldErrors,
  type TestConnectionResult,
  type SslMode,
  type TestConnectionInput,
  type UpdateConnectionInput,
} from "@/lib/shared/contracts/connections";

/** What the form edits: everything as typed (the port and the group list are text until validated). */
export type ConnectionFormValues = {
  name: string;
  host: string;
  port: string;
  database: string;
  username: string;
  password: string;
  sslmode: SslMode;
  /** PEM pasted for verify-ca/verify-full; empty keeps the stored one. Never filled from the server. */
  caCertificate: string;
  clearCaCertificate: boolean;
  allowMd5WithoutTls: boolean;
  allowedGroups: string;
  description: string;
  clearPassword: boolean;
};

export type ConnectionFormField = keyof ConnectionFormValues;
export type ConnectionFormMode = "create" | "edit";

/** The fields a connection test depends on: editing one of them makes an earlier test result stale. */
export const TEST_FIELDS: readonly ConnectionFormField[] = ["host", "port", "database", "username", "password", "sslmode", "clearPassword", "caCertificate", "clearCaCertificate", "allowMd5WithoutTls"];

export const NEW_CONNECTION_VALUES: ConnectionFormValues = {
  name: "",
  host: "",
  port: "5432",
  database: "",
  username: "",
  password: "",
  // TLS by default; the admin chooses less (or verify-full with a CA) knowingly.
  sslmode: "require",
  caCertificate: "",
  clearCaCertificate: false,
  allowMd5WithoutTls: false,
  allowedGroups: "",
  description: "",
  clearPassword: false,
};

/** The edit form starts from the saved connection; the password is never sent to the browser, so it starts empty. */
export function formValuesFromConnection(connection: ConnectionDto): ConnectionFormValues {
  return {
    name: connection.name,
    host: connection.host,
    port: String(connection.port),
    database: connection.database,
    username: connection.username,
    password: "",
    sslmode: connection.sslmode,
    caCertificate: "",
    clearCaCertificate: false,
    allowMd5WithoutTls: connection.allowMd5WithoutTls,
    allowedGroups: connection.allowedGroups.join(", "),
    description: connection.description,
    clearPassword: false,
  };
}


export type Validation<T> = { isValid: true; input: T; errors: FieldErrors } | { isValid: false; errors: FieldErrors };

/** Validates with the same zod schema the server uses, so both sides agree on every message. */
function validateWith<S extends z.ZodType>(schema: S, draft: unknown): Validation<z.output<S>> {
  const result = schema.safeParse(draft);
  if (result.success) return { isValid: true, input: result.data, errors: {} };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) errors[String(issue.path[0] ?? "form")] ??= issue.message;
  return { isValid: false, errors };
}

function commonDraft(values: ConnectionFormValues) {
  return {
    name: values.name,
    host: values.host,
    // An empty box would coerce to 0 and read "Ports run from 1 to 65535"; undefined reads "Enter a port number."
    port: values.port.trim() === "" ? undefined : values.port.trim(),
    database: values.database,
    username: values.username,
    sslmode: values.sslmode,
    allowMd5WithoutTls: values.allowMd5WithoutTls,
    allowedGroups: parseGroupList(values.allowedGroups),
    description: values.description,
  };
}

export function validateCreateConnection(values: ConnectionFormValues): Validation<CreateConnectionInput> {
  return validateWith(createConnectionInput, { ...commonDraft(values), password: values.password, caCertificate: values.caCertificate.trim() || undefined });
}

/** An empty password keeps the stored one; the checkbox removes it. */
export function validateUpdateConnection(values: ConnectionFormValues): Validation<UpdateConnectionInput> {
  return validateWith(updateConnectionInput, {
    ...commonDraft(values),
    password: values.clearPassword || values.password === "" ? undefined : values.password,
    clearPassword: values.clearPassword || undefined,
    caCertificate: values.clearCaCertificate || values.caCertificate.trim() === "" ? undefined : values.caCertificate,
    clearCaCertificate: values.clearCaCertificate || undefined,
  });
}

export function validateConnectionForm(values: ConnectionFormValues, mode: ConnectionFormMode): Validation<CreateConnectionInput | UpdateConnectionInput> {
  return mode === "create" ? validateCreateConnection(values) : validateUpdateConnection(values);
}

/**
 * The draft to test. With a saved connection and an empty password box, sending `id` makes the server
 * use the stored password, unless the admin is about to remove it: then test without one.
 */
export function validateTestDraft(values: ConnectionFormValues, connectionId?: string): Validation<TestConnectionInput> {
  const { host, port, database, username, sslmode, allowMd5WithoutTls } = commonDraft(values);
  const password = values.clearPassword || values.password === "" ? undefined : values.password;
  const caCertificate = values.clearCaCertificate || values.caCertificate.trim() === "" ? undefined : values.caCertificate;
  return validateWith(testConnectionInput, {
    // Removing the password or the CA: test without the stored one (the id would bring it back).
    id: values.clearPassword || values.clearCaCertificate ? undefined : connectionId,
    host,
    port,
    database,
    username,
    sslmode,
    allowMd5WithoutTls,
    password,
    caCertificate,
  });
}

type UntestedSave = {
  /** The last test of the values now in the form (a test is forgotten as soon as a setting it used is edited). */
  result: TestConnectionResult | undefined;
  /** The test request itself failed (the console could not run it). */
  requestError: Error | null;
  /** Whether the form's connection settings differ from the saved ones (always, for a new connection). */
  isTargetEdited: boolean;
};

/**
 * The question to ask before saving settings that did not pass a test, or null to save at once: a
 * failed test is quoted; untested new settings are called untested; a passing test, or an edit that
 * leaves the server settings alone, asks nothing.
 */
export function describeUntestedSave({ result, requestError, isTargetEdited }: UntestedSave): string | null {
  if (result?.ok) return null;
  if (result) return `The last test failed: ${result.error.replace(/\.$/, "")}${result.code ? ` (${result.code})` : ""}. Save anyway?`;
  if (requestError) return `The last test could not run: ${requestError.message.replace(/\.$/, "")}. Save anyway?`;
  if (isTargetEdited) return "These settings have not been tested. Save anyway?";
  return null;
}
