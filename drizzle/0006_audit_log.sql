CREATE TABLE "audit_cases" (
	"id" uuid PRIMARY KEY NOT NULL,
	"reference" text NOT NULL,
	"auditor_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "audit_cases_reference_unique" UNIQUE("reference")
);
--> statement-breakpoint
CREATE TABLE "audit_checkpoints" (
	"tree_size" bigint PRIMARY KEY NOT NULL,
	"root_hash" "bytea" NOT NULL,
	"note" text NOT NULL,
	"signed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_entries" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"action" text NOT NULL,
	"outcome" text NOT NULL,
	"actor_kind" text NOT NULL,
	"actor_id" text NOT NULL,
	"actor_name" text NOT NULL,
	"organisation_id" uuid,
	"organisation_code" text,
	"organisation_kind" text,
	"purpose" text,
	"case_reference" text,
	"channel" text NOT NULL,
	"correlation_id" text NOT NULL,
	"subject_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"entry" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_legal_holds" (
	"id" uuid PRIMARY KEY NOT NULL,
	"subject_kind" text NOT NULL,
	"subject_id" text NOT NULL,
	"reason" text NOT NULL,
	"placed_by" text NOT NULL,
	"placed_at" timestamp with time zone NOT NULL,
	"lifted_at" timestamp with time zone,
	"key" "bytea"
);
--> statement-breakpoint
CREATE TABLE "audit_tree_nodes" (
	"level" smallint NOT NULL,
	"node_index" bigint NOT NULL,
	"hash" "bytea" NOT NULL,
	CONSTRAINT "audit_tree_nodes_level_node_index_pk" PRIMARY KEY("level","node_index")
);
--> statement-breakpoint
CREATE TABLE "audit_vault_content" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"period" text NOT NULL,
	"legal_hold_id" uuid,
	"nonce" "bytea" NOT NULL,
	"sealed" "bytea" NOT NULL,
	"bytes" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_vault_keys" (
	"period" text PRIMARY KEY NOT NULL,
	"key" "bytea",
	"created_at" timestamp with time zone NOT NULL,
	"destroyed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "audit_cases_auditor_idx" ON "audit_cases" USING btree ("auditor_id");--> statement-breakpoint
CREATE INDEX "audit_entries_recorded_at_idx" ON "audit_entries" USING btree ("recorded_at");--> statement-breakpoint
CREATE INDEX "audit_entries_actor_idx" ON "audit_entries" USING btree ("actor_id","recorded_at");--> statement-breakpoint
CREATE INDEX "audit_entries_organisation_idx" ON "audit_entries" USING btree ("organisation_id","recorded_at");--> statement-breakpoint
CREATE INDEX "audit_entries_correlation_idx" ON "audit_entries" USING btree ("correlation_id");--> statement-breakpoint
CREATE INDEX "audit_entries_subjects_idx" ON "audit_entries" USING gin ("subject_ids");--> statement-breakpoint
CREATE INDEX "audit_vault_content_period_idx" ON "audit_vault_content" USING btree ("period");