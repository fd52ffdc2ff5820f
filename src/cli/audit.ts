import type { Services } from '../composition.ts';
import { type AuditVerificationReport, CheckpointVerifier, verifyAuditLog } from '../modules/audit/index.ts';
import { operatorContext } from '../platform/request-context.ts';
import { progressBar } from './progress.ts';

/** `leds audit verify`: recomputes the tree from storage and checks every checkpoint; names the first bad entry. */
export async function verifyAudit(
  services: Services,
  options: { verifierKey?: string; progress?: boolean },
  print: (line: string) => void,
): Promise<AuditVerificationReport> {
  const verifier = new CheckpointVerifier(options.verifierKey ?? services.audit.verifierKey);
  const total = await services.auditLog.size();
  const bar = options.progress === false || total < 50_000 ? undefined : progressBar('Verifying audit log', total);
  let report: AuditVerificationReport;
  try {
    report = await verifyAuditLog(services.database.db, verifier, services.config.audit.origin, {
      onProgress: (done) => bar?.update(done),
    });
  } finally {
    bar?.stop();
  }
  const speed = `${report.seconds.toFixed(2)} s, ${report.leavesPerSecond.toLocaleString('en-GB')} leaves/s`;
  if (report.ok) {
    print(
      `audit log verified: ${report.entries} entries, ${report.checkpoints} signed checkpoints, root ${report.rootHash} (${speed})`,
    );
  } else {
    print(
      `audit log FAILED verification: ${report.problems.length} problem(s) in ${report.entries} entries (${speed})`,
    );
    for (const problem of report.problems)
      print(`  ${problem.seq === null ? '-' : `#${problem.seq}`}\t${problem.problem}`);
    if (report.firstBadEntry !== null) print(`first bad entry: ${report.firstBadEntry}`);
  }
  return report;
}

/** `leds audit checkpoint`: signs a checkpoint of the log as it stands now. */
export async function signAuditCheckpoint(services: Services, print: (line: string) => void): Promise<void> {
  const checkpoint = await services.audit.signCheckpoint();
  const latest = checkpoint ?? (await services.audit.latestCheckpoint());
  if (!latest) {
    print('the audit log is empty; nothing to sign');
    return;
  }
  print(checkpoint ? 'signed a new checkpoint:' : 'the newest checkpoint already covers the whole log:');
  print(latest.note.trimEnd());
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
