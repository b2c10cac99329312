import { startProfile } from '../harness/cpu-profile.js';
import type { ProfileSummary } from '../harness/cpu-profile.js';
import type { MemoryReading, ProbeReply, ProbeRequest } from './protocol.js';

/**
 * Preloaded with `--import` into a server/main.ts process that a benchmark starts, so that the product's
 * own composition runs unchanged. It replies to the benchmark's requests over the IPC channel: memory after
 * forced garbage collection (the process must run with --expose-gc) and CPU profiles of the server.
 * When the benchmark goes away it sends the server SIGTERM, which main.ts handles with a graceful stop.
 */
let stopProfile: ((title: string) => Promise<ProfileSummary>) | undefined;

async function answer(request: ProbeRequest): Promise<ProbeReply> {
  switch (request.type) {
    case 'measure-memory':
      return { type: 'memory', reading: measureMemory() };
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

function measureMemory(): MemoryReading {
  const collect = globalThis.gc;
  if (!collect) throw new Error('memory readings need the server started with --expose-gc');
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
