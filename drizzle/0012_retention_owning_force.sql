DROP INDEX "retention_decisions_due_idx";--> statement-breakpoint
ALTER TABLE "retention_instruments" ADD COLUMN "owning_organisation_id" uuid;--> statement-breakpoint
-- Instruments recorded before owners were kept belong to their item's force, or to the person's.
UPDATE "retention_instruments" i SET "owning_organisation_id" = coalesce(
  (SELECT d."owning_organisation_id" FROM "retention_decisions" d WHERE d."item_id" = i."item_id"),
  (SELECT p."owning_organisation_id" FROM "people" p WHERE p."person_id" = i."person_id"));--> statement-breakpoint
-- An instrument whose person has gone has nothing left to govern.
DELETE FROM "retention_instruments" WHERE "owning_organisation_id" IS NULL;--> statement-breakpoint
ALTER TABLE "retention_instruments" ALTER COLUMN "owning_organisation_id" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "retention_decisions_due_idx" ON "retention_decisions" USING btree ("owning_organisation_id","action","due_on");
