ALTER TABLE "audit_legal_holds" ADD COLUMN "wrapped_key" "bytea";--> statement-breakpoint
ALTER TABLE "audit_vault_keys" ADD COLUMN "wrapped_key" "bytea";