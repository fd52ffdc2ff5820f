import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, type SQL, sql } from 'drizzle-orm';
import type { Clock } from '../../platform/clock.ts';
import { type FieldProblem, LedsError } from '../../platform/errors.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { Database } from '../../storage/database.ts';
import { type AccessDecisions, organisationCodes } from '../access/index.ts';
import type { AuditTrail } from '../audit/index.ts';
import {
  type IntakeOutcome,
  type IntakeSource,
  type RecordIntake,
  RecordRejected,
  type RecordsService,
} from '../records/index.ts';
import { parseInboundLine, sourceSystemPattern } from './inbound-line.ts';
import { ingestBatches, ingestBatchLines } from './ingest.tables.ts';

export type LineOutcome = 'CREATED' | 'UPDATED' | 'UNCHANGED' | 'REJECTED';

/**
 * What happened to one line. SECURITY: never the person a record joined: a pushing system finds people by search,
 * under a purpose, audited; a line report that named the person would tell it about people it may not see
 * (docs/access.md, ingest replies).
 */
export interface LineReport {
  lineNumber: number;
  outcome: LineOutcome;
  recordKind: string | null;
  sourceRecordId: string | null;
  recordId: string | null;
  problems: FieldProblem[];
}

/** A line as stored: its report, and the person it joined (for the audit entry of a read, never for the reader). */
type StoredLine = LineReport & { personId: string | null };
/** A line as received, with why it is held (for its audit entry). */
type ReceivedLine = StoredLine & { held: IntakeOutcome['held'] };

export interface BatchReport {
  batchId: string;
  organisation: string;
  sourceSystem: string;
  submittedBy: string;
  receivedAt: string;
  completedAt: string | null;
  lineCount: number;
  createdCount: number;
  updatedCount: number;
  unchangedCount: number;
  rejectedCount: number;
}

/**
 * Inbound feeds: force and agency systems push records in batches (NDJSON) or one at a time.
 * A bad line is rejected with its line number, field and reason; the good lines are stored.
 */
export class IngestService {
  constructor(
    private readonly db: Database,
    private readonly intake: RecordIntake,
    /** The records module's reading rules, asked whether the pusher could see a person it names. */
    private readonly people: Pick<RecordsService, 'organisationCouldSee'>,
    private readonly access: AccessDecisions,
    private readonly audit: AuditTrail,
    private readonly clock: Clock,
    private readonly settings: { ingestMaxLines: number; linesPerTransaction?: number },
    /** Told which people's records changed once they are committed: retention re-decides them. */
    private readonly onRecordsChanged?: (personIds: string[]) => Promise<unknown>,
    /** Where a line that fails for an unforeseen reason is logged, by line number only. */
    private readonly log?: { error(fields: object, message: string): void },
  ) {}

  /**
   * Ingests NDJSON lines as one batch. Lines are applied in order (a person before their arrest), each in its
   * own savepoint, in transactions of a few hundred lines so a large batch neither holds one huge transaction
   * nor pays a commit per line.
   */
  async ingestBatch(
    ctx: RequestContext,
    sourceSystem: string,
    lines: AsyncIterable<string> | Iterable<string>,
    onProgress?: (linesDone: number) => void,
  ): Promise<BatchReport> {
    // INVARIANT: take the iterator before the first await. A readline stream emits lines as soon as it can, and
    // lines emitted before anyone iterates are lost (measured: a PostgreSQL run hung waiting for them).
    const pending: AsyncIterator<string> | Iterator<string> =
      Symbol.asyncIterator in lines ? lines[Symbol.asyncIterator]() : (lines as Iterable<string>)[Symbol.iterator]();
    await this.access.require(ctx, 'ingest-batch.create');
    if (!sourceSystemPattern.test(sourceSystem)) {
      throw new LedsError('REQUEST_INVALID', `\`${sourceSystem}\` is not a source system name`, [
        { field: 'sourceSystem', message: 'must be 2 to 40 upper-case letters, digits, - or _' },
      ]);
    }
    // SECURITY: a source system is one organisation's: its records, and the people they name, are reached by their
    // source record ids, so no other organisation may push under its name.
    if (!(await this.intake.claimSourceSystem(this.db, sourceSystem, ctx.organisation.id)))
      throw new LedsError(
        'INGEST_SOURCE_SYSTEM_TAKEN',
        `the source system \`${sourceSystem}\` is another organisation's`,
        [{ field: 'sourceSystem', message: 'is another organisation’s: name your own system' }],
      );
    const batchId = randomUUID();
    await this.db.insert(ingestBatches).values({
      id: batchId,
      organisationId: ctx.organisation.id,
      sourceSystem,
      submittedBy: `${ctx.actor.kind}:${ctx.actor.name}`,
      receivedAt: this.clock.now(),
    });
    const source: IntakeSource = {
      organisationId: ctx.organisation.id,
      sourceSystem,
      ingestBatchId: batchId,
      mayLink: await this.linkCheck(ctx),
    };
    const chunkSize = this.settings.linesPerTransaction ?? 250;
    let chunk: { lineNumber: number; text: string }[] = [];
    let lineNumber = 0;
    let nonBlank = 0;
    try {
      for (let next = await pending.next(); !next.done; next = await pending.next()) {
        const text = next.value;
        lineNumber += 1;
        if (text.trim() === '') continue;
        nonBlank += 1;
        if (nonBlank > this.settings.ingestMaxLines) {
          throw new LedsError(
            'INGEST_BATCH_TOO_MANY_LINES',
            `the batch has more than ${this.settings.ingestMaxLines} lines (LEDS_INGEST_MAX_LINES); lines up to ${lineNumber - 1} were stored in batch ${batchId}`,
          );
        }
        chunk.push({ lineNumber, text });
        if (chunk.length >= chunkSize) {
          await this.applyChunk(ctx, batchId, source, chunk);
          onProgress?.(lineNumber);
          chunk = [];
        }
      }
      if (chunk.length > 0) await this.applyChunk(ctx, batchId, source, chunk);
    } catch (error) {
      // INVARIANT: a batch that stops part way (too many lines, a stream cut off, the database gone) still ends with
      // its report of what was stored, never half-written with no end.
      await this.finishBatch(ctx, batchId).catch(() => undefined);
      throw error;
    }
    onProgress?.(lineNumber);
    if (nonBlank === 0) {
      await this.db.delete(ingestBatches).where(eq(ingestBatches.id, batchId));
      throw new LedsError('INGEST_BATCH_EMPTY', 'the batch has no records');
    }
    return this.finishBatch(ctx, batchId);
  }

  /**
   * Whether this pusher may link what it pushes to a person LEDS holds (Cedar `person.link`): not to a protected
   * identity of another force, nor, outside the police, to a nominal known only from intelligence.
   */
  /**
   * Whether a pushed record may follow a reference to a person: Cedar's `person.link` (a protected identity, an
   * intelligence-only nominal), and the pusher's organisation could see the person under some purpose it reads
   * people for (docs/access.md, ingest replies). Anything else is held, answered alike.
   */
  private async linkCheck(ctx: RequestContext): Promise<IntakeSource['mayLink']> {
    // Decided before any transaction opens (it reads the organisation's agreements); asked inside the intake's.
    const couldSee = await this.people.organisationCouldSee(ctx);
    return async (target, db) =>
      (
        await this.access.decide(ctx, 'person.link', {
          protectedIdentity: target.protectedIdentity,
          intelligenceOnly: target.intelligenceOnly,
          owningOrganisationId: target.owningOrganisationId,
        })
      ).allowed && (await couldSee(target.personId, db));
  }

  /**
   * A batch pushed over the API, answered with its report and its first 1,000 rejected lines. The answer to a
   * push is recorded by its RECORD_RECEIVED entries, so it is not a second read.
   */
  async pushBatch(
    ctx: RequestContext,
    sourceSystem: string,
    lines: AsyncIterable<string> | Iterable<string>,
  ): Promise<{ batch: BatchReport; rejectedLines: LineReport[] }> {
    const batch = await this.ingestBatch(ctx, sourceSystem, lines);
    const rejected = await this.storedLines(batch.batchId, { outcome: 'REJECTED', offset: 0, limit: 1000 });
    return { batch, rejectedLines: rejected.map(({ personId: _, ...line }) => line) };
  }

  /** One record, pushed on its own: a batch of one line, so it is reported and traced the same way. */
  async ingestRecord(
    ctx: RequestContext,
    sourceSystem: string,
    record: unknown,
  ): Promise<{ batch: BatchReport; line: LineReport }> {
    const batch = await this.ingestBatch(ctx, sourceSystem, [JSON.stringify(record)]);
    // The answer to a push: its RECORD_RECEIVED entry already records it, so this is not a second read.
    const [line] = await this.storedLines(batch.batchId, { offset: 0, limit: 1 });
    const { personId: _, ...report } = line as StoredLine;
    return { batch, line: report };
  }

  private async applyChunk(
    ctx: RequestContext,
    batchId: string,
    source: IntakeSource,
    chunk: { lineNumber: number; text: string }[],
  ) {
    const reports: ReceivedLine[] = [];
    const images: string[] = [];
    await this.db.transaction(async (tx) => {
      for (const line of chunk) {
        const received = await this.receiveLine(tx as Database, batchId, source, line);
        images.push(...received.touchedImages);
        reports.push(received.report);
      }
      await this.storeLines(tx as Database, ctx, batchId, source, reports);
    });
    // Images written by rejected lines, or replaced by corrected ones, are no longer referenced: remove them.
    await this.intake.removeUnreferencedImages(this.db, images);
    const changed = reports.filter((r) => r.personId && (r.outcome === 'CREATED' || r.outcome === 'UPDATED'));
    if (changed.length > 0 && this.onRecordsChanged) {
      await this.onRecordsChanged([...new Set(changed.map((r) => r.personId as string))]);
    }
  }

  /** One line of a chunk: parsed, validated and received, or rejected with its problems. */
  private async receiveLine(
    tx: Database,
    batchId: string,
    source: IntakeSource,
    { lineNumber, text }: { lineNumber: number; text: string },
  ): Promise<{ report: ReceivedLine; touchedImages: string[] }> {
    const rejected = (problems: FieldProblem[], kind: string | null, sourceRecordId: string | null) => ({
      report: {
        lineNumber,
        outcome: 'REJECTED' as const,
        recordKind: kind,
        sourceRecordId,
        recordId: null,
        personId: null,
        held: null,
        problems,
      },
      touchedImages: [],
    });
    const parsed = parseInboundLine(text);
    if (!('record' in parsed)) return rejected(parsed.problems, parsed.kind ?? null, parsed.sourceRecordId ?? null);
    const { record } = parsed;
    try {
      // Each line in its own savepoint: whatever goes wrong with one line, the others are stored.
      const result = await tx.transaction((line) => this.intake.receive(line as Database, record, source));
      return {
        report: { lineNumber, ...result, sourceRecordId: record.sourceRecordId, problems: [] },
        touchedImages: result.touchedImages,
      };
    } catch (error) {
      if (error instanceof RecordRejected) return rejected(error.problems, record.kind, record.sourceRecordId);
      // SECURITY: the log names the line, never its values (they are personal data).
      this.log?.error(
        { batchId, lineNumber, recordKind: record.kind, err: error },
        'an ingest line could not be stored',
      );
      return rejected(
        [{ field: '/', message: 'could not be stored; nothing of this line was kept' }],
        record.kind,
        record.sourceRecordId,
      );
    }
  }

  /** The chunk's line reports and their RECORD_RECEIVED audit entries, in the chunk's transaction. */
  private async storeLines(
    tx: Database,
    ctx: RequestContext,
    batchId: string,
    source: IntakeSource,
    reports: ReceivedLine[],
  ): Promise<void> {
    await tx.insert(ingestBatchLines).values(
      reports.map((r) => ({
        batchId,
        lineNumber: r.lineNumber,
        outcome: r.outcome,
        recordKind: r.recordKind,
        sourceRecordId: r.sourceRecordId,
        recordId: r.recordId,
        personId: r.personId,
        problems: r.problems.length > 0 ? r.problems : null,
      })),
    );
    // Collection is audited with the records, in the same transaction (DPA 2018 s62: collection, alteration).
    // The entry tells auditors the whole truth: which person a record joined, or why it is held.
    await this.audit.recordWithin(
      tx,
      ctx,
      reports.map((r) => ({
        kind: 'RECORD_RECEIVED',
        action: 'ingest-batch.create',
        outcome: r.outcome === 'REJECTED' ? 'FAILED' : 'ALLOWED',
        subjects: r.personId ? [r.personId] : r.held?.personId ? [r.held.personId] : [],
        reasons: r.problems.map((p) => `${p.field}: ${p.message}`),
        details: {
          batchId,
          sourceSystem: source.sourceSystem,
          lineNumber: r.lineNumber,
          result: r.outcome,
          recordKind: r.recordKind,
          sourceRecordId: r.sourceRecordId,
          recordId: r.recordId,
          ...(r.held ? { held: r.held.reason } : {}),
        },
      })),
    );
  }

  private async finishBatch(ctx: RequestContext, batchId: string): Promise<BatchReport> {
    const [counts] = await this.db
      .select({
        lineCount: sql<number>`count(*)::int`,
        createdCount: sql<number>`count(*) filter (where outcome = 'CREATED')::int`,
        updatedCount: sql<number>`count(*) filter (where outcome = 'UPDATED')::int`,
        unchangedCount: sql<number>`count(*) filter (where outcome = 'UNCHANGED')::int`,
        rejectedCount: sql<number>`count(*) filter (where outcome = 'REJECTED')::int`,
      })
      .from(ingestBatchLines)
      .where(eq(ingestBatchLines.batchId, batchId));
    await this.db.transaction(async (tx) => {
      await tx
        .update(ingestBatches)
        .set({ ...counts, completedAt: this.clock.now() })
        .where(eq(ingestBatches.id, batchId));
      await this.audit.recordWithin(tx as Database, ctx, [
        { kind: 'INGEST_BATCH_RECEIVED', action: 'ingest-batch.create', details: { batchId, ...counts } },
      ]);
    });
    return this.loadBatch(batchId) as Promise<BatchReport>;
  }

  /** Batches with their organisation's code, as reports; two queries however many (the codes are access's). */
  private async loadBatches(where: SQL | undefined, limit: number): Promise<BatchReport[]> {
    const batches = await this.db
      .select()
      .from(ingestBatches)
      .where(where)
      .orderBy(desc(ingestBatches.receivedAt))
      .limit(limit);
    const codes = await organisationCodes(
      this.db,
      batches.map((b) => b.organisationId),
    );
    // INVARIANT: a batch's organisation exists (a foreign key), so every batch has its code.
    return batches.map((batch) => ({
      batchId: batch.id,
      organisation: codes.get(batch.organisationId) as string,
      sourceSystem: batch.sourceSystem,
      submittedBy: batch.submittedBy,
      receivedAt: batch.receivedAt.toISOString(),
      completedAt: batch.completedAt?.toISOString() ?? null,
      lineCount: batch.lineCount,
      createdCount: batch.createdCount,
      updatedCount: batch.updatedCount,
      unchangedCount: batch.unchangedCount,
      rejectedCount: batch.rejectedCount,
    }));
  }

  private async loadBatch(batchId: string, organisationId?: string): Promise<BatchReport | undefined> {
    const [batch] = await this.loadBatches(
      organisationId
        ? and(eq(ingestBatches.id, batchId), eq(ingestBatches.organisationId, organisationId))
        : eq(ingestBatches.id, batchId),
      1,
    );
    return batch;
  }

  /** A batch of the caller's own organisation. Another organisation's batch looks the same as none. */
  async getBatch(ctx: RequestContext, batchId: string): Promise<BatchReport> {
    await this.access.require(ctx, 'ingest-batch.view');
    const batch = /^[0-9a-f-]{36}$/.test(batchId) ? await this.loadBatch(batchId, ctx.organisation.id) : undefined;
    if (!batch) throw new LedsError('INGEST_BATCH_NOT_FOUND', 'no such ingest batch');
    return batch;
  }

  async listBatches(ctx: RequestContext, limit = 50): Promise<BatchReport[]> {
    await this.access.require(ctx, 'ingest-batch.view');
    return this.loadBatches(eq(ingestBatches.organisationId, ctx.organisation.id), limit);
  }

  /**
   * The lines of one of the caller's batches. The report names the caller's own records (their source record ids,
   * and the problems with what they sent): it is a read of person data and is audited like one.
   */
  async batchLines(
    ctx: RequestContext,
    batchId: string,
    page: { outcome?: LineOutcome; offset: number; limit: number },
  ): Promise<LineReport[]> {
    await this.getBatch(ctx, batchId);
    const stored = await this.storedLines(batchId, page);
    const lines = stored.map(({ personId: _, ...line }) => line);
    await this.audit.record(ctx, {
      kind: 'INGEST_LINES_VIEWED',
      action: 'ingest-batch.view',
      subjects: [...new Set(stored.map((l) => l.personId).filter((id): id is string => id !== null))],
      details: { batchId, outcome: page.outcome ?? null, offset: page.offset, lines: lines.length },
      shown: lines,
    });
    return lines;
  }

  private async storedLines(
    batchId: string,
    page: { outcome?: LineOutcome; offset: number; limit: number },
  ): Promise<StoredLine[]> {
    const rows = await this.db
      .select()
      .from(ingestBatchLines)
      .where(
        page.outcome
          ? and(eq(ingestBatchLines.batchId, batchId), eq(ingestBatchLines.outcome, page.outcome))
          : eq(ingestBatchLines.batchId, batchId),
      )
      .orderBy(asc(ingestBatchLines.lineNumber))
      .offset(page.offset)
      .limit(page.limit);
    return rows.map((r) => ({
      lineNumber: r.lineNumber,
      outcome: r.outcome as LineOutcome,
      recordKind: r.recordKind,
      sourceRecordId: r.sourceRecordId,
      recordId: r.recordId,
      personId: r.personId,
      problems: r.problems ?? [],
    }));
  }
}
