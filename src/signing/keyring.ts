/**
 * Keyring internals: parsing key files (armored or binary, public or private, revocation certificates),
 * describing keys, and the JSON sidecars that add validity windows and revocations.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { PsError } from '../errors.js';
import { armorBlocks } from './armor.js';
import type { KeyInfo, TrustedKey } from './types.js';

export interface Sidecar {
  notBefore?: Date;
  notAfter?: Date;
  revoked?: boolean;
  reason?: string;
}

export async function keyInfo(k: openpgp.PublicKey): Promise<KeyInfo> {
  let expires: Date | undefined;
  try {
    const e = await k.getExpirationTime();
    if (e instanceof Date) expires = e;
  } catch {
    /* no valid self-signature now (e.g. revoked): no expiry to report */
  }
  return {
    fingerprint: k.getFingerprint().toUpperCase(),
    keyId: k.getKeyID().toHex().toUpperCase(),
    userIds: k.getUserIDs(),
    algorithm: algorithmName(k.getAlgorithmInfo()),
    created: k.getCreationTime(),
    expires,
    revoked: await k.isRevoked().catch(() => false),
    armoredPublic: k.armor(),
  };
}

function algorithmName(a: openpgp.AlgorithmInfo): string {
  const alg = String(a.algorithm);
  if (alg.startsWith('rsa')) return `rsa${a.bits ?? ''}`;
  if (alg === 'eddsaLegacy' || alg === 'ed25519') return 'ed25519';
  if (alg === 'ed448') return 'ed448';
  if (a.curve) return `${alg}-${String(a.curve).replace(/Legacy$/, '')}`;
  return alg;
}

/**
 * Keys in a file's contents: armored blocks (public or private key blocks; private keys are reduced to
 * their public part) or binary key packets. With `allowRevocationOnly`, a public key block that holds only
 * a revocation signature is returned in `revocations` (applied later to the key it belongs to).
 */
export async function parseKeyText(
  input: string | Buffer,
  label: string,
  opts: { allowRevocationOnly?: boolean } = {},
): Promise<{ keys: openpgp.PublicKey[]; revocations: string[]; privateKeys: number }> {
  const keys: openpgp.PublicKey[] = [];
  const revocations: string[] = [];
  let privateKeys = 0;
  const add = (k: openpgp.Key): void => {
    if (k.isPrivate()) privateKeys++;
    keys.push(k.isPrivate() ? k.toPublic() : (k as openpgp.PublicKey));
  };
  const text = typeof input === 'string' ? input : input.toString('latin1');
  if (text.includes('-----BEGIN PGP ')) {
    const blocks = armorBlocks(typeof input === 'string' ? input : input.toString('utf8'));
    if (blocks.length === 0) throw new PsError('KEY_INVALID', `${label}: the armor has no END line (truncated?)`);
    for (const b of blocks) {
      if (b.type !== 'PUBLIC KEY BLOCK' && b.type !== 'PRIVATE KEY BLOCK') {
        throw new PsError('KEY_INVALID', `${label}: holds a PGP ${b.type}, not a key`);
      }
      try {
        const ks = await openpgp.readKeys({ armoredKeys: b.text });
        for (const k of ks) add(k);
      } catch (e) {
        if (opts.allowRevocationOnly && b.type === 'PUBLIC KEY BLOCK' && (await isRevocationOnly(b.text))) revocations.push(b.text);
        else throw new PsError('KEY_INVALID', `${label}: not a valid OpenPGP key: ${(e as Error).message}`);
      }
    }
  } else {
    if (typeof input === 'string') throw new PsError('KEY_INVALID', `${label}: no "-----BEGIN PGP PUBLIC KEY BLOCK-----" found`);
    try {
      const ks = await openpgp.readKeys({ binaryKeys: new Uint8Array(input.buffer, input.byteOffset, input.byteLength) });
      for (const k of ks) add(k);
    } catch (e) {
      throw new PsError('KEY_INVALID', `${label}: neither armored nor binary OpenPGP keys: ${(e as Error).message}`);
    }
  }
  if (keys.length === 0 && revocations.length === 0) throw new PsError('KEY_INVALID', `${label}: no keys found`);
  return { keys, revocations, privateKeys };
}

async function isRevocationOnly(armored: string): Promise<boolean> {
  try {
    const { data } = await openpgp.unarmor(armored);
    const list = await openpgp.PacketList.fromBinary(data as Uint8Array, { [openpgp.enums.packet.signature]: openpgp.SignaturePacket } as never);
    return list.length > 0 && [...list].every((p) => (p as openpgp.SignaturePacket).signatureType === openpgp.enums.signature.keyRevocation);
  } catch {
    return false;
  }
}

/** Apply revocation certificates to the key each belongs to (checked cryptographically by openpgp.js). */
export async function applyRevocationCertificates(
  byFpr: Map<string, { key: openpgp.PublicKey; file: string; files: string[] }>,
  revocations: { file: string; armored: string }[],
): Promise<void> {
  for (const r of revocations) {
    let applied = false;
    for (const [fpr, entry] of byFpr) {
      try {
        const { publicKey } = await openpgp.revokeKey({ key: entry.key, revocationCertificate: r.armored, format: 'object' });
        byFpr.set(fpr, { ...entry, key: publicKey });
        applied = true;
      } catch {
        /* not this key */
      }
    }
    if (!applied) throw new PsError('KEY_INVALID', `${r.file}: a revocation certificate for a key that is not in the keyring (or it does not verify)`);
  }
}

const SIDECAR_FIELDS = new Set(['notBefore', 'notAfter', 'revoked', 'reason', 'comment']);

function parseSidecarEntry(v: unknown, where: string): Sidecar {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new PsError('CONFIG_INVALID', `${where}: expected an object`);
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!SIDECAR_FIELDS.has(k)) throw new PsError('CONFIG_INVALID', `${where}: unknown field '${k}' (allowed: ${[...SIDECAR_FIELDS].join(', ')})`);
  const date = (f: 'notBefore' | 'notAfter'): Date | undefined => {
    const s = o[f];
    if (s === undefined || s === null) return undefined;
    if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) || Number.isNaN(Date.parse(s))) {
      throw new PsError('CONFIG_INVALID', `${where}: ${f} must be an ISO 8601 date (e.g. 2026-01-31T00:00:00Z), got ${JSON.stringify(s)}`);
    }
    return new Date(s);
  };
  if (o.revoked !== undefined && typeof o.revoked !== 'boolean') throw new PsError('CONFIG_INVALID', `${where}: revoked must be true or false`);
  if (o.reason !== undefined && typeof o.reason !== 'string') throw new PsError('CONFIG_INVALID', `${where}: reason must be a string`);
  const out: Sidecar = { notBefore: date('notBefore'), notAfter: date('notAfter'), revoked: o.revoked as boolean | undefined, reason: o.reason as string | undefined };
  if (out.notBefore && out.notAfter && out.notBefore >= out.notAfter) throw new PsError('CONFIG_INVALID', `${where}: notBefore must be before notAfter`);
  return out;
}

function merge(a: Sidecar | undefined, b: Sidecar): Sidecar {
  if (!a) return b;
  return {
    notBefore: a.notBefore && b.notBefore ? (a.notBefore > b.notBefore ? a.notBefore : b.notBefore) : (a.notBefore ?? b.notBefore),
    notAfter: a.notAfter && b.notAfter ? (a.notAfter < b.notAfter ? a.notAfter : b.notAfter) : (a.notAfter ?? b.notAfter),
    revoked: a.revoked || b.revoked || undefined,
    reason: [a.reason, b.reason].filter(Boolean).join('; ') || undefined,
  };
}

async function readJson(file: string): Promise<unknown | undefined> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new PsError('CONFIG_INVALID', `${file}: not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * The sidecars for the loaded keys, merged, by upper-case primary fingerprint.
 * `files`: the key files read (fromDir: found by listing a directory). `keys`: each key with the files it came from.
 */
export async function readSidecars(
  files: { file: string; fromDir: boolean }[],
  keys: { key: openpgp.PublicKey; files: string[] }[],
): Promise<Map<string, Sidecar>> {
  const out = new Map<string, Sidecar>();
  // <name>.json beside <name>.asc
  for (const { file } of files) {
    const side = path.join(path.dirname(file), `${path.basename(file, path.extname(file))}.json`);
    if (path.basename(side) === 'keyring.json') continue;
    const v = await readJson(side);
    if (v === undefined) continue;
    const s = parseSidecarEntry(v, side);
    for (const k of keys) if (k.files.includes(file)) out.set(k.key.getFingerprint().toUpperCase(), merge(out.get(k.key.getFingerprint().toUpperCase()), s));
  }
  // keyring.json in each directory
  const dirs = new Map<string, boolean>();
  for (const { file, fromDir } of files) {
    const d = path.dirname(file);
    dirs.set(d, (dirs.get(d) ?? false) || fromDir);
  }
  for (const [dir, strict] of dirs) {
    const file = path.join(dir, 'keyring.json');
    const v = await readJson(file);
    if (v === undefined) continue;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new PsError('CONFIG_INVALID', `${file}: expected {"keys": {"<fingerprint>": {...}}}`);
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) if (k !== 'keys' && k !== 'comment') throw new PsError('CONFIG_INVALID', `${file}: unknown field '${k}' (expected "keys")`);
    const entries = o.keys ?? {};
    if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) throw new PsError('CONFIG_INVALID', `${file}: "keys" must be an object keyed by fingerprint`);
    for (const [id, e] of Object.entries(entries as Record<string, unknown>)) {
      const want = id.replace(/\s+/g, '').replace(/^0x/i, '').toUpperCase();
      if (!/^([0-9A-F]{16}|[0-9A-F]{40}|[0-9A-F]{64})$/.test(want)) throw new PsError('CONFIG_INVALID', `${file}: '${id}' is not a key fingerprint (40 hex) or key id (16 hex)`);
      const s = parseSidecarEntry(e, `${file} keys.${id}`);
      const match = keys.filter((k) => k.key.getFingerprint().toUpperCase() === want || k.key.getKeyID().toHex().toUpperCase() === want);
      if (match.length === 0) {
        if (strict) throw new PsError('CONFIG_INVALID', `${file}: key ${want} matches no key file in ${dir}`);
        continue;
      }
      for (const k of match) out.set(k.key.getFingerprint().toUpperCase(), merge(out.get(k.key.getFingerprint().toUpperCase()), s));
    }
  }
  return out;
}

export function applySidecars(tk: TrustedKey, sidecars: Map<string, Sidecar>): void {
  const s = sidecars.get(tk.key.fingerprint);
  if (!s) return;
  if (s.notBefore) tk.notBefore = s.notBefore;
  if (s.notAfter) tk.notAfter = s.notAfter;
  if (s.revoked) tk.revoked = true;
  if (s.reason) tk.reason = s.reason;
}
