ALTER TABLE "connections" ALTER COLUMN "sslmode" SET DEFAULT 'require';--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "ca_certificate_ciphertext" text;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "allow_md5_without_tls" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "token_minted_by" text;--> statement-breakpoint
ALTER TABLE "approval_decisions" ADD COLUMN "grant_scope" text DEFAULT 'statement' NOT NULL;--> statement-breakpoint
ALTER TABLE "approval_grants" ADD COLUMN "scope" text DEFAULT 'fingerprint' NOT NULL;--> statement-breakpoint
ALTER TABLE "approval_grants" ADD COLUMN "statement_digest" text;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD COLUMN "token_id" uuid;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD COLUMN "requester_minted_by" text;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD COLUMN "blast_radius" jsonb;