import type { Logger } from 'pino';
import type { CheckpointService } from './checkpoints.js';

/**
 * Creates a checkpoint every `intervalMs` milliseconds until stopped. Each server process runs its own
 * schedule, so with several processes there are several checkpoints per interval; each is valid on its
 * own. A failed run is logged and the schedule goes on. The timer does not keep the process alive.
 */
export function startCheckpointSchedule(checkpoints: CheckpointService, intervalMs: number, logger: Logger): { stop(): void } {
  let running = false;
  const run = async (): Promise<void> => {
    // A slow run (a large database) is not overlapped by the next tick.
    if (running) return;
    running = true;
    try {
      const document = await checkpoints.create('schedule', 'system');
      logger.info({ checkpointId: document.id, caseCount: document.heads.length }, 'checkpoint created');
    } catch (error) {
      logger.error({ err: error }, 'scheduled checkpoint failed; the next one is tried at the next interval');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  logger.info({ intervalMs }, 'checkpoint schedule started');
  return { stop: () => clearInterval(timer) };
}
