import type { CaseStore } from '../../db/case-store.js';
import { verifyChain } from '../../db/hash-chain.js';
import type { ChainVerdict } from '../../db/hash-chain.js';
import { replayCase } from './replay.js';
import type { ReplayReport } from './replay.js';

/** Cases read per query while walking the whole database. */
const PAGE_SIZE = 500;

/** A case whose hash chain is broken, with the verdict naming the first broken event. */
export type BrokenChain = { readonly caseId: string } & Extract<ChainVerdict, { intact: false }>;

export interface ChainAudit {
  readonly checkedCases: number;
  /** Every broken chain, in case id order. */
  readonly brokenChains: readonly BrokenChain[];
}

export interface ReplayAudit {
  readonly checkedCases: number;
  /** Every case whose replay differs from its record, in case id order. */
  readonly inconsistentCases: readonly Extract<ReplayReport, { consistent: false }>[];
}

/**
 * Recomputes the hash chain of every case in the database and lists every broken one (not only the first).
 * `onProgress` is called after each page with the number of cases checked so far and the total.
 */
export async function verifyAllChains(store: CaseStore, onProgress?: (checked: number, total: number) => void): Promise<ChainAudit> {
  const brokenChains: BrokenChain[] = [];
  let checked = 0;
  await forEachCaseId(store, async (caseId) => {
    const caseRow = await store.getCase(caseId);
    if (!caseRow) return;
    const verdict = verifyChain(await store.listEvents(caseId), caseRow);
    if (!verdict.intact) brokenChains.push({ caseId, ...verdict });
    checked++;
  }, onProgress);
  return { checkedCases: checked, brokenChains };
}

/** Replays every case in the database and lists every one whose replay differs from its record. */
export async function replayAllCases(store: CaseStore, onProgress?: (checked: number, total: number) => void): Promise<ReplayAudit> {
  const inconsistentCases: Extract<ReplayReport, { consistent: false }>[] = [];
  let checked = 0;
  await forEachCaseId(store, async (caseId) => {
    const caseRow = await store.getCase(caseId);
    if (!caseRow) return;
    const report = replayCase(caseRow, await store.listEvents(caseId));
    if (!report.consistent) inconsistentCases.push(report);
    checked++;
  }, onProgress);
  return { checkedCases: checked, inconsistentCases };
}

async function forEachCaseId(
  store: CaseStore,
  visit: (caseId: string) => Promise<void>,
  onProgress?: (checked: number, total: number) => void,
): Promise<void> {
  const totalRow = await store.db.selectFrom('cases').select((eb) => eb.fn.countAll<string | number>().as('count')).executeTakeFirst();
  const total = Number(totalRow?.count ?? 0);
  let after = '';
  let checked = 0;
  for (;;) {
    const page = await store.db.selectFrom('cases').select('id').where('id', '>', after).orderBy('id').limit(PAGE_SIZE).execute();
    for (const { id } of page) {
      await visit(id);
      checked++;
    }
    onProgress?.(checked, total);
    const last = page.at(-1);
    if (page.length < PAGE_SIZE || !last) return;
    after = last.id;
  }
}
