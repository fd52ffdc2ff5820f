import { integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organisations } from '../access/access.tables.ts';

/** One push of records from a force or agency system. */
export const ingestBatches = pgTable('ingest_batches', {
  id: uuid('id').primaryKey(),
  organisationId: uuid('organisation_id')
    .notNull()
    .references(() => organisations.id),
  sourceSystem: text('source_system').notNull(),
  submittedBy: text('submitted_by').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  completedAt: timestamp('completed_at', { withTimezone: true }),
  lineCount: integer('line_count').notNull().default(0),
  createdCount: integer('created_count').notNull().default(0),
  updatedCount: integer('updated_count').notNull().default(0),
  unchangedCount: integer('unchanged_count').notNull().default(0),
  rejectedCount: integer('rejected_count').notNull().default(0),
});

/** What happened to each line of a batch: the batch report. */
export const ingestBatchLines = pgTable(
  'ingest_batch_lines',
  {
    batchId: uuid('batch_id').notNull(),
    lineNumber: integer('line_number').notNull(),
    /** CREATED | UPDATED | UNCHANGED | REJECTED */
    outcome: text('outcome').notNull(),
    recordKind: text('record_kind'),
    sourceRecordId: text('source_record_id'),
    recordId: uuid('record_id'),
    personId: uuid('person_id'),
    problems: jsonb('problems').$type<{ field: string; message: string }[]>(),
  },
  (t) => [primaryKey({ columns: [t.batchId, t.lineNumber] })],
);
