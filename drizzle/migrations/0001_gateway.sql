CREATE TABLE "tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"hint" text NOT NULL,
	"user_name" text NOT NULL,
	"actor_kind" text DEFAULT 'human' NOT NULL,
	"agent_name" text,
	"connection_id" uuid NOT NULL,
	"groups" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" text,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "trusted_issuers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"issuer" text NOT NULL,
	"audience" text NOT NULL,
	"jwks_uri" text,
	"user_claim" text DEFAULT 'email' NOT NULL,
	"groups_claim" text DEFAULT 'groups' NOT NULL,
	"actor_kind" text DEFAULT 'human' NOT NULL,
	"is_enabled" boolean DEFAULT true NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trusted_issuers_issuer_unique" UNIQUE("issuer")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"connection_id" uuid,
	"connection_name" text NOT NULL,
	"user_name" text NOT NULL,
	"actor_kind" text NOT NULL,
	"agent_name" text,
	"groups" text[] DEFAULT '{}'::text[] NOT NULL,
	"auth_method" text NOT NULL,
	"token_id" uuid,
	"application_name" text,
	"client_address" text NOT NULL,
	"is_tls" boolean NOT NULL,
	"protocol_version" text NOT NULL,
	"gateway_instance" text NOT NULL,
	"recording_mode" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"end_reason" text,
	"statement_count" integer DEFAULT 0 NOT NULL,
	"error_count" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "statements" (
	"id" uuid PRIMARY KEY NOT NULL,
	"session_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"protocol" text NOT NULL,
	"sql" text NOT NULL,
	"params" jsonb,
	"kind" text NOT NULL,
	"command" text NOT NULL,
	"relations" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"fingerprint" text,
	"parse_error" text,
	"decision" text DEFAULT 'forward' NOT NULL,
	"decision_reason" text,
	"status" text DEFAULT 'running' NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"gateway_ms" double precision,
	"duration_ms" double precision,
	"finished_at" timestamp with time zone,
	"command_tag" text,
	"row_count" bigint,
	"error_code" text,
	"error_message" text,
	"columns" jsonb,
	"rows" jsonb,
	"rows_truncated" boolean DEFAULT false NOT NULL,
	"result_row_count" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tokens" ADD CONSTRAINT "tokens_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_token_id_tokens_id_fk" FOREIGN KEY ("token_id") REFERENCES "public"."tokens"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "statements" ADD CONSTRAINT "statements_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tokens_user_name_idx" ON "tokens" USING btree ("user_name");--> statement-breakpoint
CREATE INDEX "tokens_connection_id_idx" ON "tokens" USING btree ("connection_id");--> statement-breakpoint
CREATE INDEX "tokens_expires_at_idx" ON "tokens" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "sessions_started_at_idx" ON "sessions" USING btree ("started_at" DESC NULLS LAST,"id");--> statement-breakpoint
CREATE INDEX "sessions_user_name_started_at_idx" ON "sessions" USING btree ("user_name","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "sessions_connection_id_started_at_idx" ON "sessions" USING btree ("connection_id","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "sessions_actor_kind_started_at_idx" ON "sessions" USING btree ("actor_kind","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "sessions_with_errors_started_at_idx" ON "sessions" USING btree ("started_at" DESC NULLS LAST) WHERE "sessions"."error_count" > 0;--> statement-breakpoint
CREATE INDEX "sessions_open_idx" ON "sessions" USING btree ("gateway_instance") WHERE "sessions"."ended_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "statements_session_id_seq_idx" ON "statements" USING btree ("session_id","seq");--> statement-breakpoint
CREATE INDEX "statements_received_at_idx" ON "statements" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "statements_fingerprint_idx" ON "statements" USING btree ("fingerprint");