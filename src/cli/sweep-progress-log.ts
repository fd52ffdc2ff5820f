import type { Services } from '../composition.ts';

/**
 * A progress callback for the retention sweep that logs its counts (people done of the total, decisions changed,
 * records destroyed, reviews due: no person data) at most once every LEDS_RETENTION_SWEEP_LOG_SECONDS.
 */
export function sweepProgressLog(
  services: Pick<Services, 'config' | 'retention'>,
  log: (counts: Record<string, unknown>) => void,
  now: () => number = () => performance.now(),
): (people: number) => void {
  const every = services.config.retention.sweepLogSeconds * 1000;
  let last = now();
  return () => {
    if (now() - last < every) return;
    last = now();
    const running = services.retention.sweepProgress.view().running;
    if (running) log({ job: 'retention-sweep', ...running });
  };
}
