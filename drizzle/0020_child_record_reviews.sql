ALTER TABLE "retention_reviews" ADD COLUMN "policing_purpose" text;--> statement-breakpoint
ALTER TABLE "retention_reviews" ADD COLUMN "children_act_regard" text;