import { startProfile } from '../harness/cpu-profile.js';
import type { ProfileSummary } from '../harness/cpu-profile.js';
import type { MemoryReading, ProbeReply, ProbeRequest } from './protocol.js';

/**
 * Preloaded with `--import` into a server/main.ts process that a benchmark starts, so that the product's
 * own composition runs unchanged. It replies to the benchmark's requests over the IPC channel: memory after
 * forced garbage collections and a pause (the process must run with --expose-gc) and CPU profiles of the
 * server.
 * When the benchmark goes away it sends the server SIGTERM, which main.ts handles with a graceful stop.
 */
let stopProfile: ((title: string) => Promise<ProfileSummary>) | undefined;

/**
 * Pause between the first collection and the reading. On the benchmark machine, RSS read at once after a
 * load swung by tens of MiB between readings. A second later it had settled 15-20 MiB lower and varied by a
 * few MiB, probably once the last responses and native buffers were released.
 */
const SETTLE_MS = 1_000;

async function answer(request: ProbeRequest): Promise<ProbeReply> {
  switch (request.type) {
    case 'measure-memory':
      return { type: 'memory', reading: await measureMemory() };
    case 'start-profile':
      stopProfile = await startProfile();
      return { type: 'profile-started' };
    case 'stop-profile': {
      if (!stopProfile) throw new Error('stop-profile arrived before start-profile');
      const summary = await stopProfile(request.title);
      stopProfile = undefined;
      return { type: 'profile', summary };
    }
  }
}

async function measureMemory(): Promise<MemoryReading> {
  const collect = globalThis.gc;
  if (!collect) throw new Error('memory readings need the server started with --expose-gc');
  collect();
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  collect();
  collect();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external, arrayBuffers: usage.arrayBuffers };
}

if (process.send) {
  process.on('message', (request: ProbeRequest) => {
    void answer(request)
      .catch((error: unknown): ProbeReply => ({ type: 'failed', message: String(error) }))
      .then((reply) => process.send?.(reply));
  });
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
