/**
 * oidc-provider v9 ships no TypeScript types and `@types/oidc-provider` is not a dependency.
 * These declarations cover only what `lib/dev-oidc/` uses, deliberately without index signatures:
 * the provider silently ignores configuration keys it does not know, so a typo should fail here.
 * If `@types/oidc-provider` is ever added, delete this file.
 */
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";
  import type { JWK } from "jose";

  /** The slice of the Koa context (plus `ctx.oidc`) our page renderers touch. */
  export interface ProviderContext {
    type: string;
    body: unknown;
    status: number;
    readonly host: string;
    readonly oidc: {
      readonly client?: { readonly clientId: string; readonly clientName?: string };
    };
  }

  export interface AccountClaims {
    sub: string;
    [claim: string]: unknown;
  }

  export interface Account {
    accountId: string;
    claims(use: string, scope: string): AccountClaims | Promise<AccountClaims>;
  }

  export interface ClientMetadata {
    client_id: string;
    client_secret: string;
    client_name?: string;
    redirect_uris: string[];
    post_logout_redirect_uris?: string[];
    grant_types: string[];
    response_types: string[];
    token_endpoint_auth_method: "client_secret_basic" | "client_secret_post";
    id_token_signed_response_alg?: string;
  }

  type TtlValue = number | ((...args: never[]) => number);

  export interface Configuration {
    clients: ClientMetadata[];
    jwks: { keys: JWK[] };
    cookies: { keys: string[] };
    scopes: string[];
    claims: Record<string, string[] | null>;
    conformIdTokenClaims: boolean;
    clientBasedCORS: (ctx: ProviderContext, origin: string, client: unknown) => boolean;
    findAccount: (ctx: ProviderContext, sub: string) => Promise<Account | undefined>;
    pkce: { required: (ctx: ProviderContext, client: unknown) => boolean };
    interactions: { url: (ctx: ProviderContext, interaction: { uid: string }) => string | Promise<string> };
    features: {
      devInteractions?: { enabled: boolean };
      rpInitiatedLogout?: {
        enabled: boolean;
        logoutSource?: (ctx: ProviderContext, form: string) => void | Promise<void>;
        postLogoutSuccessSource?: (ctx: ProviderContext) => void | Promise<void>;
      };
    };
    ttl: Partial<Record<"AccessToken" | "AuthorizationCode" | "IdToken" | "Interaction" | "Session" | "Grant", TtlValue>>;
    renderError: (
      ctx: ProviderContext,
      out: { error: string; error_description?: string },
      error: Error,
    ) => void | Promise<void>;
  }

  export interface PromptDetails {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  }

  export interface InteractionDetails {
    uid: string;
    grantId?: string;
    prompt: { name: "login" | "consent" | (string & {}); reasons: string[]; details: PromptDetails };
    params: { client_id: string; scope?: string; login_hint?: string; [param: string]: unknown };
    session?: { accountId: string; uid?: string };
  }

  export interface InteractionResults {
    login?: { accountId: string; remember?: boolean };
    consent?: { grantId: string };
    error?: string;
    error_description?: string;
  }

  export class Grant {
    constructor(properties: { accountId: string; clientId: string });
    static find(id: string): Promise<Grant | undefined>;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(indicator: string, scope: string): void;
    save(): Promise<string>;
  }

  export class Provider {
    constructor(issuer: string, configuration: Configuration);
    readonly issuer: string;
    /** Koa's `app.proxy`: whether X-Forwarded-* headers are trusted. */
    proxy: boolean;
    readonly Grant: typeof Grant;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    on(event: "server_error", listener: (ctx: ProviderContext, error: Error) => void): this;
  }

  export const errors: {
    /** The interaction cookie is missing, expired, or names an interaction that no longer exists. */
    SessionNotFound: new (description?: string) => Error;
  };

  export default Provider;
}
