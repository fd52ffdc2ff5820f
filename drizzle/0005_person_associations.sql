CREATE TABLE "person_associations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"associate_person_id" uuid NOT NULL,
	"relationship" text NOT NULL,
	"owning_organisation_id" uuid NOT NULL,
	"source_system" text NOT NULL,
	"source_record_id" text NOT NULL,
	"ingest_batch_id" uuid,
	"material_class" text NOT NULL,
	"legal_regime" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "person_associations" ADD CONSTRAINT "person_associations_owning_organisation_id_organisations_id_fk" FOREIGN KEY ("owning_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "person_associations_person_idx" ON "person_associations" USING btree ("person_id");