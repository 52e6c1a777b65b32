ALTER TABLE "statements" ADD COLUMN "flags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "statements" ADD COLUMN "approval_request_id" uuid;--> statement-breakpoint
ALTER TABLE "statements" ADD COLUMN "decided_by" text;--> statement-breakpoint
ALTER TABLE "statements" ADD COLUMN "decided_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "statements" ADD COLUMN "decision_comment" text;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD COLUMN "allow_grants" boolean DEFAULT false NOT NULL;