import { LedsError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { Database } from '../../storage/database.ts';
import { chaseOverdue, markAcknowledged, noticeOf, noticesOf } from './deletion-notices.repository.ts';
import type { deletionNotices } from './retention.tables.ts';
import { isoDay, RetentionUseCase } from './retention-use-case.ts';

/** Deletion notices to forces: issued by deletion, received, acknowledged and chased. */
export class DeletionNotices extends RetentionUseCase {
  /** Marks unacknowledged notices past their date as chased again, at most once every noticeChaseDays. */
  async chaseOverdueNotices(): Promise<number> {
    const now = this.clock.now();
    const chaseBefore = new Date(now.getTime() - this.settings.noticeChaseDays * 86_400_000);
    const rows = await chaseOverdue(this.db, now, isoDay(now), chaseBefore);
    return rows.length;
  }

  /** The caller's organisation's notices: pending by default, newest first. */
  async noticesFor(ctx: RequestContext, options: { status?: 'PENDING' | 'ACKNOWLEDGED' | 'ALL'; limit?: number } = {}) {
    await this.access.require(ctx, 'deletion-notice.receive');
    const status = options.status ?? 'PENDING';
    const rows = await noticesOf(this.db, ctx.organisation.id, status, options.limit ?? 1000, {
      hideProtected: await this.hidesProtectedIdentities(ctx),
    });
    const today = this.today();
    const notices = rows.map((n) => noticeView(n, today));
    await this.trail.record(ctx, {
      kind: 'DELETION_NOTICES_FETCHED',
      action: 'deletion-notice.receive',
      subjects: rows.map((n) => n.personId),
      details: { status, count: rows.length },
      shown: notices,
    });
    return notices;
  }

  async acknowledgeNotice(ctx: RequestContext, noticeId: string) {
    await this.access.require(ctx, 'deletion-notice.receive');
    if (!isUuid(noticeId)) throw new LedsError('RETENTION_NOTICE_NOT_FOUND', `no deletion notice ${noticeId}`);
    return this.db.transaction(async (tx) => {
      const notice = await noticeOf(tx as Database, noticeId, ctx.organisation.id, {
        hideProtected: await this.hidesProtectedIdentities(ctx),
      });
      if (!notice)
        throw new LedsError('RETENTION_NOTICE_NOT_FOUND', `no deletion notice ${noticeId} for your organisation`);
      if (notice.acknowledgedAt) return noticeView(notice, this.today());
      const updated = await markAcknowledged(tx as Database, noticeId, this.clock.now(), ctx.actor.name);
      await this.trail.recordWithin(tx as Database, ctx, [
        {
          kind: 'DELETION_NOTICE_ACKNOWLEDGED',
          action: 'deletion-notice.receive',
          subjects: [notice.personId],
          details: { noticeId, sourceSystem: notice.sourceSystem, sourceRecordId: notice.sourceRecordId },
        },
      ]);
      return noticeView(updated as typeof notice, this.today());
    });
  }

  /**
   * SECURITY: a protected identity's notices are hidden from anyone without the named role, as the desk hides
   * them (else comparing the two tells which deleted records were theirs). The force's own system still gets
   * every notice: it carries out the local deletions, and a notice names only the force's own record. A system is
   * a key holding system roles only; a key that also holds a person's role (retention officer, administrator)
   * could read the desk too, and is treated as that person.
   */
  private async hidesProtectedIdentities(ctx: RequestContext): Promise<boolean> {
    const forceSystem =
      ctx.actor.kind !== 'user' &&
      ctx.roles.length > 0 &&
      ctx.roles.every((role) => role === 'SYSTEM_INGEST' || role === 'SYSTEM_READ');
    return !forceSystem && !(await this.officer.seesProtectedIdentities(ctx));
  }

  /** Pending notices of an organisation as CSV rows, for a force's local deletion run. */
  static noticesCsv(notices: ReturnType<typeof noticeView>[]): string {
    const header = [
      'notice_id',
      'source_system',
      'source_record_id',
      'record_kind',
      'leds_record_id',
      'rule',
      'issued_at',
      'due_by',
      'overdue',
      'acknowledged_at',
    ];
    const cell = (v: unknown) => {
      const text = v === null || v === undefined ? '' : String(v);
      // A leading = + - @ would be read as a formula by a spreadsheet.
      const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
      return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
    };
    const lines = notices.map((n) =>
      [
        n.id,
        n.sourceSystem,
        n.sourceRecordId,
        n.recordKind,
        n.recordId,
        n.ruleId,
        n.issuedAt.toISOString(),
        n.dueBy,
        n.overdue,
        n.acknowledgedAt?.toISOString() ?? '',
      ]
        .map(cell)
        .join(','),
    );
    return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
  }
}

/**
 * A deletion notice as its force receives it. SECURITY: it names the force's own deleted record by its source ids
 * and never the LEDS person it was part of: that person may be one the force may not see (a record its force
 * review linked to a protected identity), and a person id present for some notices and not others would say so.
 */
export function noticeView({ personId: _person, ...n }: typeof deletionNotices.$inferSelect, today: string) {
  return { ...n, overdue: n.acknowledgedAt === null && n.dueBy < today };
}
