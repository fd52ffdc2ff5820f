import { readFileSync } from 'node:fs';
import type { Services } from '../composition.ts';
import {
  type AuditVerificationReport,
  CheckpointVerifier,
  CosignatureVerifier,
  historyTail,
  parseHistory,
  type TrustedCheckpoint,
  verifyAuditLog,
} from '../modules/audit/index.ts';
import { operatorContext } from '../platform/request-context.ts';
import { progressBar } from './progress.ts';

export interface VerifyOptions {
  verifierKey?: string;
  progress?: boolean;
  /** History files (`checkpoints.jsonl`); by default this server's own, when it has one. */
  history?: string[];
  /** Files of checkpoints an outsider kept: signed notes one after another, or pages of the public API. */
  checkpoints?: string[];
  /** Witnesses whose cosignatures are counted: a checkpoint with fewer than `quorum` of them is not witnessed. */
  witness?: string[];
  quorum?: number;
}

/**
 * The checkpoints to trust, from outside the database: the history files (this server's by default), files an
 * outsider kept of the published checkpoints (JSON pages of GET /api/v1/audit/checkpoints, or notes one after
 * another), each named by where it came from.
 */
function trustedCheckpoints(
  services: Services,
  options: VerifyOptions,
): { trusted: TrustedCheckpoint[]; problems: string[] } {
  const own = services.audit.history;
  const histories = options.history ?? (own.exists() ? [own.file] : []);
  const problems: string[] = [];
  const fromHistories = histories.flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    // A line cut short may be a write that never finished, or a checkpoint cut to hide it: the server mends the
    // first at its next signing (from the database's row); until then it cannot be told from the second.
    if (historyTail(text) !== '')
      problems.push(`${file} ends in a line cut short: a checkpoint may have been cut from it`);
    return parseHistory(text, file).map(({ note }) => ({ source: file, note }));
  });
  const fromFiles = (options.checkpoints ?? []).flatMap((file) =>
    checkpointsInFile(readFileSync(file, 'utf8')).map((note) => ({ source: file, note })),
  );
  return { trusted: [...fromHistories, ...fromFiles], problems };
}

/** Notes from a file: a JSON page (or list of pages) of the public API, JSON lines, or notes one after another. */
export function checkpointsInFile(text: string): string[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const pages = [JSON.parse(trimmed) as unknown].flat() as { checkpoints?: { note: string }[] }[];
      return pages.flatMap((page) => (page.checkpoints ?? []).map((c) => c.note));
    } catch {
      return parseHistory(text, 'the checkpoints file').map((c) => c.note);
    }
  }
  // A note ends with its signature lines; the next note starts at the first line that is not one.
  const notes: string[] = [];
  let current = '';
  let inSignatures = false;
  for (const line of text.split(/(?<=\n)/)) {
    if (inSignatures && !line.startsWith('\u2014 ')) {
      notes.push(current);
      current = '';
      inSignatures = false;
    }
    if (line === '\n' && current !== '') inSignatures = true;
    current += line;
  }
  if (current.trim() !== '') notes.push(current);
  return notes;
}

/**
 * `leds audit verify`: recomputes the tree from storage and checks it against every checkpoint, those in the
 * database and those kept outside it; names the first bad entry, or the range a rewrite lies in.
 */
export async function verifyAudit(
  services: Services,
  options: VerifyOptions,
  print: (line: string) => void,
): Promise<AuditVerificationReport> {
  const verifier = new CheckpointVerifier(options.verifierKey ?? services.audit.verifierKey);
  const witnesses = (options.witness ?? []).map((key) => new CosignatureVerifier(key));
  const { trusted, problems: sourceProblems } = trustedCheckpoints(services, options);
  const total = await services.auditLog.size();
  const bar = options.progress === false || total < 50_000 ? undefined : progressBar('Verifying audit log', total);
  let report: AuditVerificationReport;
  try {
    report = await verifyAuditLog(services.database.db, verifier, services.config.audit.origin, {
      onProgress: (done) => bar?.update(done),
      trusted,
      sourceProblems,
      witnesses,
      quorum: options.quorum ?? witnesses.length,
    });
  } finally {
    bar?.stop();
  }
  // The witnesses this server is configured with are asked too: they hold what the log showed them, outside it.
  const asked = await services.audit.askWitnesses();
  for (const problem of asked.problems) report.problems.push({ seq: null, problem });
  report.ok = report.problems.length === 0;
  const speed = `${report.seconds.toFixed(2)} s, ${report.leavesPerSecond.toLocaleString('en-GB')} leaves/s`;
  if (report.ok) {
    print(
      `audit log verified: ${report.entries} entries, ${report.checkpoints} signed checkpoints, root ${report.rootHash} (${speed})`,
    );
    print(`checked against ${report.trustedCheckpoints} checkpoints kept outside the database`);
    if (asked.cosignedBy.length > 0)
      print(`the newest checkpoint is consistent with what ${asked.cosignedBy.join(', ')} saw`);
  } else {
    print(
      `audit log FAILED verification: ${report.problems.length} problem(s) in ${report.entries} entries (${speed})`,
    );
    for (const problem of report.problems)
      print(`  ${problem.seq === null ? '-' : `#${problem.seq}`}\t${problem.problem}`);
    if (report.firstBadEntry !== null) print(`first bad entry: ${report.firstBadEntry}`);
    if (report.rewritten) print(`changed between entries ${report.rewritten.from} and ${report.rewritten.to}`);
  }
  if (report.unwitnessed > 0)
    print(`${report.unwitnessed} checkpoints lack the quorum of witness cosignatures (checked as the log's own)`);
  print(
    report.unsigned === 0
      ? 'every entry is covered by a signed checkpoint'
      : `${report.unsigned} entries after the last signed checkpoint are not covered by any signature yet`,
  );
  return report;
}

/** `leds audit checkpoint`: signs a checkpoint of the log as it stands now. */
export async function signAuditCheckpoint(services: Services, print: (line: string) => void): Promise<boolean> {
  // From the command line every leaf is recomputed from its entry first: an operator asking for a signature gets
  // the whole check, an entry changed without its hashes included.
  const checkpoint = await services.audit.signCheckpoint({ full: true });
  const status = services.audit.checkpointStatus;
  for (const problem of status?.witnessProblems ?? []) print(`witness: ${problem}`);
  if (status?.refused) {
    print(`refused to sign: ${status.refused}`);
    return false;
  }
  const latest = checkpoint ?? (await services.audit.latestCheckpoint());
  if (!latest) {
    print('the audit log is empty; nothing to sign');
    return true;
  }
  print(checkpoint ? 'signed a new checkpoint:' : 'the newest checkpoint already covers the whole log:');
  print(latest.note.trimEnd());
  return true;
}

/** `leds audit vault-sweep`: destroys what users were shown once the audit retention period has passed. */
export async function sweepAuditVault(services: Services, print: (line: string) => void): Promise<void> {
  const result = await services.audit.destroyExpiredVaultContent(operatorContext('CLI'));
  print(
    result.periods.length === 0
      ? 'no audit vault month is past the retention period'
      : `destroyed the vault keys of ${result.periods.join(', ')}: ${result.destroyed} contents destroyed, ${result.kept} kept under legal hold`,
  );
}
