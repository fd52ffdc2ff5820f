CREATE TABLE "deletion_application_items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"application_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"item_kind" text NOT NULL,
	"item_id" uuid NOT NULL,
	"owning_organisation_id" uuid NOT NULL,
	"decision" text NOT NULL,
	"reason" text,
	"decided_on" date NOT NULL,
	"decided_by" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "deletion_applications" ADD COLUMN "ground_codes" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "deletion_applications" ADD COLUMN "grounds_met" jsonb;--> statement-breakpoint
ALTER TABLE "deletion_applications" ADD COLUMN "exceptional_grant_reason" text;--> statement-breakpoint
CREATE INDEX "deletion_application_items_person_idx" ON "deletion_application_items" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "deletion_application_items_application_idx" ON "deletion_application_items" USING btree ("application_id");--> statement-breakpoint
-- Applications granted before items were decided one by one granted their arrest's custody images: record those.
INSERT INTO "deletion_application_items" ("id", "application_id", "person_id", "item_kind", "item_id", "owning_organisation_id", "decision", "reason", "decided_on", "decided_by")
SELECT gen_random_uuid(), a.id, a.person_id, 'CUSTODY_IMAGE', ci.id, ci.owning_organisation_id, 'GRANTED', a.decision_reasons, a.decided_on, coalesce(a.decided_by, 'unknown')
FROM "deletion_applications" a JOIN "custody_images" ci ON ci.arrest_id = a.arrest_id
WHERE a.status = 'GRANTED' AND a.person_id IS NOT NULL AND a.decided_on IS NOT NULL;
