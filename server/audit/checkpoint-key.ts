import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The Ed25519 key that signs checkpoints, with the public half that auditors verify them against. */
export interface CheckpointKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public key as PEM (SPKI), written into each checkpoint. */
  readonly publicKeyPem: string;
  /** SHA-256 (hex) of the public key in SPKI DER form. */
  readonly keyId: string;
}

/**
 * Loads the checkpoint signing key from PEM text (PKCS#8), or from a file holding it. Throws when the key
 * is not an Ed25519 private key. Generate one with
 * `openssl genpkey -algorithm ed25519 -out checkpoint-key.pem`, or with Node:
 * `node -e "const {generateKeyPairSync}=require('node:crypto');process.stdout.write(generateKeyPairSync('ed25519').privateKey.export({type:'pkcs8',format:'pem'}))"`.
 */
export function loadCheckpointKey(source: { readonly pem?: string | undefined; readonly file?: string | undefined }): CheckpointKey | null {
  const pem = source.pem ?? (source.file !== undefined ? readFileSync(source.file, 'utf8') : undefined);
  if (pem === undefined) return null;
  const privateKey = createPrivateKey(pem.includes('\\n') ? pem.replaceAll('\\n', '\n') : pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`The checkpoint key must be an Ed25519 private key, not ${privateKey.asymmetricKeyType ?? 'unknown'}`);
  }
  return fromPrivateKey(privateKey);
}

export function fromPrivateKey(privateKey: KeyObject): CheckpointKey {
  const publicKey = createPublicKey(privateKey);
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: createHash('sha256').update(der).digest('hex'),
  };
}
