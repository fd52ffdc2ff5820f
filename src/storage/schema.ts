// The whole schema, for drizzle-kit and for typed queries. Each module owns its own tables file.
export * from '../jobs/job-leases.tables.ts';
export * from '../modules/access/access.tables.ts';
export * from '../modules/audit/audit.tables.ts';
export * from '../modules/integration/ingest.tables.ts';
export * from '../modules/records/records.tables.ts';
export * from '../modules/retention/retention.tables.ts';
