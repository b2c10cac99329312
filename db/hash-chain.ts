import { hashCanonical } from './canonical-json.js';
import type { CaseEventsTable } from './schema.js';

/** The previous hash of a case's first event: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** The columns of an event row that its hash covers: everything but the hash itself. */
export type HashedEventFields = Omit<CaseEventsTable, 'hash'>;

/**
 * Computes an event's SHA-256 hash (hex) over the RFC 8785 canonical JSON of every column but `hash`,
 * `prev_hash` included, so changing any stored field or reordering the chain changes the hash. JSON
 * columns are hashed as their stored text, exactly as a verifier reads them back.
 */
export function hashEvent(fields: HashedEventFields): string {
  return hashCanonical({
    id: fields.id,
    case_id: fields.case_id,
    seq: fields.seq,
    type: fields.type,
    data: fields.data,
    actor_id: fields.actor_id,
    actor_role: fields.actor_role,
    party: fields.party,
    channel: fields.channel,
    occurred_at: fields.occurred_at,
    business_date: fields.business_date,
    state_before: fields.state_before,
    state_after: fields.state_after,
    idempotency_key: fields.idempotency_key,
    request_hash: fields.request_hash,
    inspection: fields.inspection,
    prev_hash: fields.prev_hash,
  });
}

/** The first problem found in a case's chain, or none. */
export type ChainVerdict =
  | { readonly intact: true; readonly eventCount: number; readonly headHash: string }
  | {
      readonly intact: false;
      readonly eventCount: number;
      readonly firstBrokenSeq: number | null;
      readonly firstBrokenEventId: string | null;
      readonly reason: 'hash-mismatch' | 'prev-hash-mismatch' | 'sequence-gap' | 'head-mismatch';
    };

/**
 * Recomputes a case's chain from its events in sequence order and compares it with the stored hashes and
 * with the head hash and version on the case row. Names the first event that breaks: a changed row fails
 * its own hash, a deleted or reordered row breaks the sequence or the next row's link, and a deleted tail
 * shows as a head that no longer matches the case row.
 */
export function verifyChain(
  events: readonly CaseEventsTable[],
  caseRow: { readonly head_hash: string; readonly version: number },
): ChainVerdict {
  let previousHash = GENESIS_HASH;
  for (const [index, event] of events.entries()) {
    const broken = (reason: 'hash-mismatch' | 'prev-hash-mismatch' | 'sequence-gap') =>
      ({ intact: false, eventCount: events.length, firstBrokenSeq: event.seq, firstBrokenEventId: event.id, reason }) as const;
    if (event.seq !== index + 1) return broken('sequence-gap');
    if (event.prev_hash !== previousHash) return broken('prev-hash-mismatch');
    if (hashEvent(event) !== event.hash) return broken('hash-mismatch');
    previousHash = event.hash;
  }
  if (previousHash !== caseRow.head_hash || events.length !== caseRow.version) {
    return { intact: false, eventCount: events.length, firstBrokenSeq: events.length + 1, firstBrokenEventId: null, reason: 'head-mismatch' };
  }
  return { intact: true, eventCount: events.length, headHash: previousHash };
}
