import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

// The auditor console's own table. Its name keeps the `audit_` prefix it was created with (migrations unchanged).

/** An auditor's case: the audit purpose declared before any record content is shown. */
export const auditCases = pgTable(
  'audit_cases',
  {
    id: uuid('id').primaryKey(),
    reference: text('reference').notNull().unique(),
    auditorId: uuid('auditor_id').notNull(),
    organisationId: uuid('organisation_id').notNull(),
    reason: text('reason').notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [index('audit_cases_auditor_idx').on(t.auditorId)],
);
