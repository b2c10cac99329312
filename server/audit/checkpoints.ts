import { sign, verify } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { CaseError } from '../../machines/engine/case-error.js';
import { canonicalJson } from '../../db/canonical-json.js';
import type { CaseStore } from '../../db/case-store.js';
import { verifyChain } from '../../db/hash-chain.js';
import type { CheckpointsTable, Database } from '../../db/schema.js';
import type { Clock } from '../clock.js';
import type { CheckpointKey } from './checkpoint-key.js';

/** The format name and version of checkpoint documents. */
export const CHECKPOINT_FORMAT = 'shebao-case-engine/checkpoint@1';

const HASH_PATTERN = /^[0-9a-f]{64}$/;

/** A checkpoint document as downloaded, uploaded and stored. */
export const checkpointDocumentSchema = z
  .object({
    format: z.literal(CHECKPOINT_FORMAT),
    id: z.string().min(1).max(64),
    createdAt: z.string().min(1).max(40),
    keyId: z.string().regex(HASH_PATTERN),
    publicKey: z.string().min(1).max(1000),
    heads: z.array(
      z.object({ caseId: z.string().min(1).max(64), version: z.number().int().min(1), headHash: z.string().regex(HASH_PATTERN) }).strict(),
    ),
    /** Ed25519 signature (base64) over the RFC 8785 canonical JSON of every other field. */
    signature: z.string().min(1).max(200),
  })
  .strict();

export type CheckpointDocument = z.output<typeof checkpointDocumentSchema>;

/** A stored checkpoint without its heads, as listed. */
export interface CheckpointSummary {
  readonly id: string;
  readonly createdAt: string;
  readonly trigger: string;
  readonly createdBy: string;
  readonly caseCount: number;
  readonly keyId: string;
}

/** A case whose chain no longer matches a checkpoint. */
export interface CheckpointProblem {
  readonly caseId: string;
  /**
   * `case-missing`: the case row is gone. `chain-shorter`: the events or the case version end before the
   * checkpoint's head. `chain-different`: the events up to the head no longer hash to it.
   */
  readonly reason: 'case-missing' | 'chain-shorter' | 'chain-different';
  readonly checkpointVersion: number;
  readonly checkpointHeadHash: string;
  readonly currentVersion: number | null;
  /** The last event sequence number at or below the checkpoint's version, as stored now. */
  readonly lastStoredSeq: number | null;
  readonly firstBrokenSeq: number | null;
}

/** The result of checking the database against a kept checkpoint. */
export interface CheckpointVerification {
  readonly checkpointId: string;
  readonly checkpointCreatedAt: string;
  /** True when the server's key signed the document as uploaded. */
  readonly signatureValid: boolean;
  readonly signatureProblem: 'unknown-key' | 'bad-signature' | null;
  readonly checkedCases: number;
  readonly intactCases: number;
  /** Every case whose chain is now missing, shorter or different, in the checkpoint's order. */
  readonly problems: readonly CheckpointProblem[];
  /** Cases created after the checkpoint, which it cannot speak for. */
  readonly casesNotInCheckpoint: number;
}

/**
 * Signed checkpoints against truncation. A checkpoint lists the head (case id, version, head hash) of
 * every case's chain and is signed with Ed25519. The hash chain alone cannot show that the newest events
 * of a case were deleted together with a matching change of the case row. A checkpoint kept outside the
 * database can, because the chain must still reach each head it lists.
 */
export class CheckpointService {
  readonly #db: Kysely<Database>;
  readonly #store: CaseStore;
  readonly #key: CheckpointKey | null;
  readonly #clock: Clock;
  readonly #newId: () => string;

  constructor(options: { store: CaseStore; key: CheckpointKey | null; clock: Clock; newId: () => string }) {
    this.#db = options.store.db;
    this.#store = options.store;
    this.#key = options.key;
    this.#clock = options.clock;
    this.#newId = options.newId;
  }

  /** Whether a signing key is configured; without one, creating and verifying fail with 409 `CHECKPOINT_KEY_MISSING`. */
  get enabled(): boolean {
    return this.#key !== null;
  }

  /**
   * Signs the current head of every real case's chain and stores the checkpoint; returns the document.
   * Training sandbox cases are left out, because a trainer may delete them with their sandbox.
   */
  async create(trigger: 'schedule' | 'request' | 'cli', createdBy: string): Promise<CheckpointDocument> {
    const key = this.#requireKey();
    // One statement, so the heads come from one consistent view of the database.
    const rows = await this.#db
      .selectFrom('cases')
      .select(['id', 'version', 'head_hash'])
      .where('sandbox_id', 'is', null)
      .orderBy('id')
      .execute();
    const unsigned = {
      format: CHECKPOINT_FORMAT,
      id: this.#newId(),
      createdAt: this.#clock.now().toISOString(),
      keyId: key.keyId,
      publicKey: key.publicKeyPem,
      heads: rows.map((row) => ({ caseId: row.id, version: Number(row.version), headHash: row.head_hash })),
    } as const;
    const signature = sign(null, Buffer.from(canonicalJson(unsigned), 'utf8'), key.privateKey).toString('base64');
    const document: CheckpointDocument = { ...unsigned, signature };

    const row: CheckpointsTable = {
      id: document.id,
      created_at: document.createdAt,
      trigger,
      created_by: createdBy,
      case_count: document.heads.length,
      key_id: key.keyId,
      document: JSON.stringify(document),
    };
    await this.#db.insertInto('checkpoints').values(row).execute();
    return document;
  }

  async list(limit: number): Promise<CheckpointSummary[]> {
    const rows = await this.#db
      .selectFrom('checkpoints')
      .select(['id', 'created_at', 'trigger', 'created_by', 'case_count', 'key_id'])
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      createdAt: row.created_at,
      trigger: row.trigger,
      createdBy: row.created_by,
      caseCount: Number(row.case_count),
      keyId: row.key_id,
    }));
  }

  /** Returns the stored document, or throws a 404 `CHECKPOINT_NOT_FOUND`. */
  async get(id: string): Promise<CheckpointDocument> {
    const row = await this.#db.selectFrom('checkpoints').select('document').where('id', '=', id).executeTakeFirst();
    if (!row) {
      throw new CaseError('CHECKPOINT_NOT_FOUND', 'not-found', { zh: `找不到检查点“${id}”。`, en: `Checkpoint "${id}" was not found.` }, { checkpointId: id });
    }
    return JSON.parse(row.document) as CheckpointDocument;
  }

  /**
   * Checks the database against a kept checkpoint: its signature against the server's key, then every
   * case it lists. Reports each case that is missing, whose chain is now shorter, or whose events up to
   * the checkpoint's head no longer hash to it. Writes nothing.
   */
  async verify(document: CheckpointDocument): Promise<CheckpointVerification> {
    const key = this.#requireKey();
    const signatureProblem = checkSignature(document, key);

    const problems: CheckpointProblem[] = [];
    for (const head of document.heads) {
      const problem = await this.#checkHead(head);
      if (problem) problems.push(problem);
    }
    const listed = new Set(document.heads.map((head) => head.caseId));
    const current = await this.#db.selectFrom('cases').select('id').where('sandbox_id', 'is', null).execute();

    return {
      checkpointId: document.id,
      checkpointCreatedAt: document.createdAt,
      signatureValid: signatureProblem === null,
      signatureProblem,
      checkedCases: document.heads.length,
      intactCases: document.heads.length - problems.length,
      problems,
      casesNotInCheckpoint: current.filter((row) => !listed.has(row.id)).length,
    };
  }

  async #checkHead(head: CheckpointDocument['heads'][number]): Promise<CheckpointProblem | null> {
    const base = { caseId: head.caseId, checkpointVersion: head.version, checkpointHeadHash: head.headHash };
    const caseRow = await this.#store.getCase(head.caseId);
    if (!caseRow) return { ...base, reason: 'case-missing', currentVersion: null, lastStoredSeq: null, firstBrokenSeq: null };

    const events = await this.#store.listEvents(head.caseId, head.version);
    const lastStoredSeq = events.at(-1)?.seq ?? null;
    const current = { currentVersion: Number(caseRow.version), lastStoredSeq };
    if ((lastStoredSeq ?? 0) < head.version || Number(caseRow.version) < head.version) {
      return { ...base, ...current, reason: 'chain-shorter', firstBrokenSeq: (lastStoredSeq ?? 0) + 1 };
    }
    const verdict = verifyChain(events, { head_hash: head.headHash, version: head.version });
    if (verdict.intact) return null;
    return { ...base, ...current, reason: 'chain-different', firstBrokenSeq: verdict.firstBrokenSeq };
  }

  #requireKey(): CheckpointKey {
    if (this.#key) return this.#key;
    throw new CaseError(
      'CHECKPOINT_KEY_MISSING',
      'conflict',
      {
        zh: '未配置检查点签名密钥：请设置 CHECKPOINT_PRIVATE_KEY（Ed25519 私钥 PEM）或 CHECKPOINT_KEY_FILE（密钥文件路径）后重启服务。',
        en: 'No checkpoint signing key is configured: set CHECKPOINT_PRIVATE_KEY (an Ed25519 private key in PEM) or CHECKPOINT_KEY_FILE (a path to one) and restart the server.',
      },
    );
  }
}

function checkSignature(document: CheckpointDocument, key: CheckpointKey): 'unknown-key' | 'bad-signature' | null {
  if (document.keyId !== key.keyId) return 'unknown-key';
  const { signature, ...unsigned } = document;
  const valid = verify(null, Buffer.from(canonicalJson(unsigned), 'utf8'), key.publicKey, Buffer.from(signature, 'base64'));
  return valid ? null : 'bad-signature';
}
