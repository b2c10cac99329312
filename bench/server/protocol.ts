import type { ProfileSummary } from '../harness/cpu-profile.js';

/** `process.memoryUsage()` of the server after forced garbage collections and a pause, in bytes. */
export interface MemoryReading {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

/** Requests the benchmark sends to the probe inside its server process over the IPC channel. */
export type ProbeRequest =
  | { readonly type: 'measure-memory' }
  | { readonly type: 'start-profile' }
  | { readonly type: 'stop-profile'; readonly title: string };

/** The probe's replies; each request above gets exactly one. */
export type ProbeReply =
  | { readonly type: 'memory'; readonly reading: MemoryReading }
  | { readonly type: 'profile-started' }
  | { readonly type: 'profile'; readonly summary: ProfileSummary }
  | { readonly type: 'failed'; readonly message: string };
