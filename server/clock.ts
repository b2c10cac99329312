import type { IsoDate } from '../machines/policy/iso-date.js';

/** The source of time for the server; injected so tests and training can simulate business dates. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Creates a clock that starts at `start` and then advances with real time, for demos and process tests. */
export function offsetClock(start: Date, realClock: Clock = systemClock): Clock {
  const offsetMs = start.getTime() - realClock.now().getTime();
  return { now: () => new Date(realClock.now().getTime() + offsetMs) };
}

/** A clock that stays where it is set, for tests. */
export class ManualClock implements Clock {
  #current: Date;

  constructor(start: Date) {
    this.#current = start;
  }

  now(): Date {
    return new Date(this.#current.getTime());
  }

  set(instant: Date): void {
    this.#current = instant;
  }
}

/** Beijing is UTC+8 all year (China has no daylight saving time). */
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

/** Returns the business date of an instant: its calendar date in Beijing. */
export function beijingDateOf(instant: Date): IsoDate {
  return new Date(instant.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10) as IsoDate;
}
