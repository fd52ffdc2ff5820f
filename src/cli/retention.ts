import { sql } from 'drizzle-orm';
import type { Services } from '../composition.ts';
import { type InstrumentKind, RetentionService } from '../modules/retention/index.ts';
import { isCalendarDate } from '../platform/clock.ts';
import { LedsError } from '../platform/errors.ts';
import { operatorContext } from '../platform/request-context.ts';
import { queryRows } from '../storage/database.ts';
import { cliContext } from './cli-context.ts';
import { progressBar } from './progress.ts';

async function peopleCount(services: Services): Promise<number> {
  const [row] = await queryRows<{ n: number }>(services.database.db, sql`SELECT count(*)::int AS n FROM people`);
  return row?.n ?? 0;
}

/** `leds retention rules`: the rule set in force, with citations and the configured values. */
export function printRetentionRules(services: Services, print: (line: string) => void): void {
  const { rules } = services.retention;
  print(`retention rule set ${rules.version} (${services.config.retention.rulesFile})`);
  for (const rule of rules.rules) {
    print(`${rule.id.padEnd(14)} ${rule.title}`);
    print(`${''.padEnd(14)} ${rule.retention}`);
    print(`${''.padEnd(14)} ${rule.citation} [${rule.sources.join(', ')}] (${rule.confidence})`);
    if (rules.isUnverified(rule)) print(`${''.padEnd(14)} ${rules.confidenceOf(rule)}`);
  }
  print('sources:');
  for (const [id, source] of Object.entries(rules.sources))
    print(`  ${id.padEnd(6)} ${source.title}  ${source.address}`);
  const s = services.config.retention;
  print('configured values ([U] in the brief):');
  print(
    `  Gaughran review every ${s.gaughranReviewYears} years; NSD at most ${s.nsdMaxYears} years; image grace ${s.imageGraceDays} days`,
  );
  print(
    `  MoPI: group 1 review every ${s.mopiGroup1ReviewYears} years (markers ${s.mopiGroup1MarkerCodes.join(', ')}), group 2 clear period ${s.mopiGroup2ClearYears} years, group 3 ${s.mopiGroup3ClearYears} years`,
  );
  print(
    `  notices acknowledged within ${s.noticeAcknowledgeDays} days, chased every ${s.noticeChaseDays}; applications decided within ${s.applicationTargetDays} days, their applicant's details kept ${s.applicationKeepMonths} months after the last step`,
  );
}

/** `leds retention plan --as-of DATE`: what a sweep on that date would do; changes nothing. */
export async function planRetention(
  services: Services,
  options: { asOf: string; limit: number; organisation?: string },
  print: (line: string) => void,
): Promise<void> {
  if (!isCalendarDate(options.asOf))
    throw new LedsError('REQUEST_INVALID', `\`${options.asOf}\` is not a date`, [
      { field: '--as-of', message: 'YYYY-MM-DD' },
    ]);
  const force = options.organisation ? await services.access.findOrganisation(options.organisation) : undefined;
  if (options.organisation && !force)
    throw new LedsError('REQUEST_INVALID', `no organisation \`${options.organisation}\``, [
      { field: '--organisation', message: 'an organisation code' },
    ]);
  const total = await peopleCount(services);
  const bar = total < 20_000 ? undefined : progressBar('Planning retention', total);
  try {
    const plan = await services.retention.plan(operatorContext('CLI'), options.asOf, {
      onProgress: (n) => bar?.update(n),
      listLimit: options.limit,
      owningOrganisationId: force?.id,
    });
    bar?.stop();
    print(
      `retention plan as of ${plan.asOf}${force ? ` for ${force.code}` : ''} (rule set ${services.retention.rules.version}; nothing changed)`,
    );
    print(
      `${plan.people} people, ${plan.items} items: ${plan.dueCount.DESTROY} to destroy, ${plan.dueCount.REVIEW} reviews due`,
    );
    for (const [key, n] of Object.entries(plan.byAction).sort()) print(`  ${key.padEnd(24)} ${n}`);
    if (plan.due.length > 0) print(`due by ${plan.asOf} (first ${plan.due.length}):`);
    for (const d of plan.due) print(`  ${d.action}\t${d.dueOn}\t${d.ruleId}\t${d.itemKind}\t${d.itemId}\t${d.reason}`);
  } finally {
    bar?.stop();
  }
}

/** `leds retention sweep`: decides every item now and carries out what is due. */
export async function sweepRetention(services: Services, print: (line: string) => void): Promise<void> {
  const total = await peopleCount(services);
  const bar = total < 20_000 ? undefined : progressBar('Retention sweep', total);
  try {
    const report = await services.retention.sweep(operatorContext('CLI'), { onProgress: (n) => bar?.update(n) });
    bar?.stop();
    print(
      `retention sweep as of ${report.asOf}: ${report.people} people, ${report.items} items, ${report.changed} decisions changed, ${report.destroyed} records destroyed, ${report.reviewsDue} reviews due, ${report.held} held, ${report.noticesChased} notices chased`,
    );
  } finally {
    bar?.stop();
  }
}

/** `leds retention notices --organisation CODE [--csv]`: a force's deletion notices. */
export async function printDeletionNotices(
  services: Services,
  options: { organisation: string; csv?: boolean; status?: 'PENDING' | 'ACKNOWLEDGED' | 'ALL' },
  print: (line: string) => void,
): Promise<void> {
  const ctx = await cliContext(services, options.organisation, ['ADMINISTRATOR']);
  const notices = await services.retention.noticesFor(ctx, { status: options.status });
  if (options.csv) {
    print(RetentionService.noticesCsv(notices).trimEnd());
    return;
  }
  print(
    `${notices.length} ${(options.status ?? 'PENDING').toLowerCase()} deletion notice(s) for ${options.organisation}`,
  );
  for (const n of notices)
    print(
      `  ${n.id}\t${n.sourceSystem}\t${n.sourceRecordId}\t${n.recordKind}\t${n.ruleId}\tdue ${n.dueBy}${n.overdue ? '\tOVERDUE' : ''}`,
    );
}

export interface RetentionInstrumentOptions {
  organisation: string;
  kind: InstrumentKind;
  item?: string;
  person?: string;
  madeOn: string;
  madeBy: string;
  evidence: string;
  appliedOn?: string;
  until?: string;
  policingPurpose?: string;
}

/** `leds retention instrument`: records an extension, consent, determination or hold, checked as on the page. */
export async function recordRetentionInstrument(
  services: Services,
  options: RetentionInstrumentOptions,
  print: (line: string) => void,
): Promise<void> {
  const ctx = await cliContext(services, options.organisation, ['RETENTION_OFFICER']);
  const recorded = await services.retention.recordInstrument(ctx, {
    kind: options.kind,
    itemId: options.item,
    personId: options.person,
    madeOn: options.madeOn,
    madeBy: options.madeBy,
    evidence: options.evidence,
    appliedOn: options.appliedOn,
    until: options.until,
    policingPurpose: options.policingPurpose,
  });
  print(
    `recorded ${recorded.kind} ${recorded.id} for person ${recorded.personId}${recorded.until ? ` until ${recorded.until}` : ''}`,
  );
}

/** `leds retention end-instrument ID`: a hold lifted, consent withdrawn, a determination revoked. */
export async function endRetentionInstrument(
  services: Services,
  id: string,
  options: { organisation: string; reason: string; endedOn?: string },
  print: (line: string) => void,
): Promise<void> {
  const ctx = await cliContext(services, options.organisation, ['RETENTION_OFFICER']);
  const endedOn = options.endedOn ?? services.retention.today();
  const result = await services.retention.endInstrument(ctx, id, endedOn, options.reason);
  print(`ended ${id} on ${endedOn}: ${result.changed} decision(s) changed, ${result.destroyed} record(s) destroyed`);
}
