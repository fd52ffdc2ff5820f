CREATE TABLE "source_systems" (
	"source_system" text PRIMARY KEY NOT NULL,
	"owning_organisation_id" uuid NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "source_systems" ADD CONSTRAINT "source_systems_owning_organisation_id_organisations_id_fk" FOREIGN KEY ("owning_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Each source system already in use belongs to the organisation whose records it first stored.
INSERT INTO "source_systems" ("source_system", "owning_organisation_id")
SELECT DISTINCT ON ("source_system") "source_system", "owning_organisation_id"
FROM "source_records" ORDER BY "source_system", "updated_at"
ON CONFLICT DO NOTHING;
