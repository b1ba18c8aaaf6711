/**
 * OpenPGP signing for Package Storage: key generation, detached ASCII-armored signatures over the exact zip
 * bytes (what Kibana Fleet verifies with openpgp.js and GnuPG verifies with `gpg --verify`), and trusted
 * keyrings for the publish pipeline.
 *
 * Data is streamed: a file path or a Node stream is hashed as it is read, never loaded whole.
 *
 * Verification policy (see `verifyDetached`):
 * - the signature's issuer must be a key (primary or subkey) of the keyring, else SIGNATURE_UNKNOWN_KEY;
 * - the key must not be revoked as of the verification time `at` (default now), else SIGNATURE_KEY_REVOKED.
 *   A "hard" OpenPGP revocation (no reason, or "compromised") and a keyring revocation (`revoked: true` in a
 *   sidecar) refuse every signature; a "soft" one (superseded / retired) refuses signatures once it exists;
 * - the key must be valid both when the signature was made and at `at` (not expired, signature not made before
 *   the key existed), and both instants must fall inside the keyring's validity window, else
 *   SIGNATURE_KEY_EXPIRED. Pass an earlier `at` to check an old artifact as of the day it was published;
 * - the bytes must match, else SIGNATURE_INVALID (also used for a signature dated in the future).
 */
import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import * as openpgp from 'openpgp';
import { PsError } from '../errors.js';
import type { Logger } from '../log.js';
import { armorBlocks, armorProblem, firstArmorType } from './armor.js';
import {
  keyInfo,
  parseKeyText,
  applyRevocationCertificates,
  readSidecars,
  applySidecars,
  type Sidecar,
} from './keyring.js';

export type { KeyInfo } from './types.js';
import type { KeyInfo, TrustedKey } from './types.js';

export interface Keyring {
  keys: TrustedKey[];
  /** The files the keyring was read from (empty for `keyringFromArmored`). */
  sources: string[];
  /** The trusted key holding this fingerprint or key id (primary or subkey; hex, any case, spaces ignored). */
  find(fingerprintOrKeyId: string): TrustedKey | undefined;
  /**
   * The export: the public parts of every trusted key, armored, one block after another (what a registry
   * serves at /api/v1/keys). Never a private key, whatever the key files held.
   */
  armored(): string;
}

export interface VerifyResult {
  /** The primary key fingerprint of the signer (as listed in the keyring). */
  fingerprint: string;
  /** The primary key id of the signer. */
  keyId: string;
  userIds: string[];
  /** The signature's creation time. */
  signedAt: Date;
  /** The key id that actually made the signature (a signing subkey's id when a subkey signed). */
  signingKeyId: string;
}

/** How far in the future a signature's timestamp may be (clock skew between signer and verifier). */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

const PGP = new WeakMap<TrustedKey, openpgp.PublicKey>();

// ------------------------------------------------------------------------------------------------ keys

/** A new key pair, ASCII-armored. ECC (Ed25519, the default) or RSA (4096 bits by default), v4 keys (GnuPG 2.2 and Kibana read them). */
export async function generateKeyPair(opts: {
  name: string;
  email: string;
  type?: 'ecc' | 'rsa';
  passphrase?: string;
  /** Key creation time (tests). */
  date?: Date;
  /** Seconds until the key expires; 0 or undefined: never. */
  keyExpirationTime?: number;
  /** RSA modulus size (default 4096). */
  rsaBits?: 2048 | 3072 | 4096;
}): Promise<{ privateArmored: string; publicArmored: string; fingerprint: string; revocationCertificate: string; privateKey: string; publicKey: string }> {
  const name = opts.name?.trim();
  const email = opts.email?.trim();
  if (!name) throw new PsError('USAGE', 'a key needs a name (--name)');
  if (!email || !/^[^\s@<>]+@[^\s@<>]+$/.test(email)) throw new PsError('USAGE', `'${opts.email ?? ''}' is not an email address (--email)`);
  if (/[<>]/.test(name)) throw new PsError('USAGE', 'the key name must not contain < or >');
  if (opts.passphrase === '') throw new PsError('KEY_PASSPHRASE', 'the passphrase is empty');
  const type = opts.type ?? 'ecc';
  const rsaBits = opts.rsaBits ?? 4096;
  if (![2048, 3072, 4096].includes(rsaBits)) throw new PsError('USAGE', `RSA keys are 2048, 3072 or 4096 bits, not ${String(rsaBits)}`);
  const common = {
    userIDs: [{ name, email }],
    passphrase: opts.passphrase,
    date: opts.date,
    keyExpirationTime: opts.keyExpirationTime ?? 0,
    format: 'armored' as const,
  };
  const r =
    type === 'rsa'
      ? await openpgp.generateKey({ ...common, type: 'rsa', rsaBits })
      : type === 'ecc'
        ? await openpgp.generateKey({ ...common, type: 'ecc', curve: 'ed25519Legacy' })
        : (() => {
            throw new PsError('USAGE', `key type must be ecc or rsa, got '${String(type)}'`);
          })();
  const pub = await openpgp.readKey({ armoredKey: r.publicKey });
  return {
    privateArmored: r.privateKey,
    publicArmored: r.publicKey,
    fingerprint: pub.getFingerprint().toUpperCase(),
    revocationCertificate: r.revocationCertificate,
    // aliases (older callers)
    privateKey: r.privateKey,
    publicKey: r.publicKey,
  };
}

/** Describe the keys in an armored text (public or private; several blocks allowed). */
export async function describeKeys(armored: string): Promise<KeyInfo[]> {
  const { keys } = await parseKeyText(armored, 'the given text');
  return Promise.all(keys.map((k) => keyInfo(k)));
}

// ------------------------------------------------------------------------------------------------ keyrings

/**
 * Load a trusted keyring from key files and/or directories.
 *
 * - A file: armored keys (`.asc`, `.pub`, `.key`, any number of blocks, public or private: private keys are
 *   reduced to their public part) or binary keys (`.gpg`, e.g. `gpg --export`).
 * - A directory: every `*.asc|*.gpg|*.pub|*.key` in it (not recursive). A file there holding only a
 *   revocation certificate revokes the key it belongs to: copy `keys generate`'s `revocation.rev`, or gpg's
 *   `openpgp-revocs.d/<FPR>.rev`, there as `<name>.asc` (`.rev` files are not read, so the folder `keys
 *   generate` wrote can itself be used as a keyring without revoking its key).
 * - Sidecars (JSON, optional):
 *   - `<file-without-extension>.json` beside a key file applies to every key in that file:
 *     `{ "notBefore": "2025-01-01T00:00:00Z", "notAfter": "2027-01-01T00:00:00Z", "revoked": false, "reason": "..." }`
 *   - `keyring.json` in the directory of the key files, per key by fingerprint (or 16-hex key id):
 *     `{ "keys": { "<FINGERPRINT>": { "notBefore": ..., "notAfter": ..., "revoked": true, "reason": "..." } } }`
 *   When both set a field the stricter value wins. Unknown fields, bad dates, and (when a directory is loaded)
 *   `keyring.json` entries that match no key are errors (CONFIG_INVALID): a typo must not silently un-revoke.
 */
export async function loadKeyring(pathOrDir: string | string[], opts: { logger?: Logger } = {}): Promise<Keyring> {
  const inputs = Array.isArray(pathOrDir) ? pathOrDir : [pathOrDir];
  if (inputs.length === 0) throw new PsError('KEY_INVALID', 'no key files given');
  const files: { file: string; fromDir: boolean }[] = [];
  for (const p of inputs) {
    let st;
    try {
      st = await fsp.stat(p);
    } catch {
      throw new PsError('KEY_INVALID', `cannot read trusted keys at ${p}: no such file or directory`);
    }
    if (st.isDirectory()) {
      const names = (await fsp.readdir(p)).filter((n) => /\.(asc|gpg|pub|key)$/i.test(n)).sort();
      if (names.length === 0) throw new PsError('KEY_INVALID', `no key files (*.asc, *.gpg, *.pub, *.key) in ${p}`);
      for (const n of names) files.push({ file: path.join(p, n), fromDir: true });
    } else files.push({ file: p, fromDir: false });
  }
  const byFpr = new Map<string, KeyEntry>();
  const revocations: { file: string; armored: string }[] = [];
  for (const { file, fromDir } of files) {
    const buf = await fsp.readFile(file);
    const parsed = await parseKeyText(buf, file, { allowRevocationOnly: fromDir });
    if (parsed.privateKeys > 0) {
      // only its public part is used and exported, but a secret key has no business in a trusted keyring
      // (a folder made by `keys generate` holds private.asc beside public.asc: point --trusted-keys at public.asc)
      opts.logger?.warn(
        { file, privateKeys: parsed.privateKeys },
        `trusted keys: ${file} holds a PRIVATE key; only its public part is trusted and served. Keep private keys out of the trusted keys (use public.asc)`,
      );
    }
    for (const k of parsed.keys) await addKey(byFpr, k, file);
    for (const r of parsed.revocations) revocations.push({ file, armored: r });
  }
  await applyRevocationCertificates(byFpr, revocations);
  if (byFpr.size === 0) throw new PsError('KEY_INVALID', `no keys found in ${inputs.join(', ')}`);
  const sidecars: Map<string, Sidecar> = await readSidecars(files, [...byFpr.values()]);
  const trusted: TrustedKey[] = [];
  for (const { key } of byFpr.values()) {
    const tk: TrustedKey = { key: await keyInfo(key) };
    applySidecars(tk, sidecars);
    PGP.set(tk, key);
    trusted.push(tk);
  }
  return makeKeyring(trusted, files.map((f) => f.file));
}

/** A keyring from armored texts (each may hold several keys). No sidecars. */
export async function keyringFromArmored(armored: string[]): Promise<Keyring> {
  const byFpr = new Map<string, KeyEntry>();
  const revocations: { file: string; armored: string }[] = [];
  for (const [i, a] of armored.entries()) {
    const parsed = await parseKeyText(a, `key text #${i + 1}`, { allowRevocationOnly: true });
    for (const k of parsed.keys) await addKey(byFpr, k, `key text #${i + 1}`);
    for (const r of parsed.revocations) revocations.push({ file: `key text #${i + 1}`, armored: r });
  }
  await applyRevocationCertificates(byFpr, revocations);
  if (byFpr.size === 0) throw new PsError('KEY_INVALID', 'no keys given');
  const trusted: TrustedKey[] = [];
  for (const { key } of byFpr.values()) {
    const tk: TrustedKey = { key: await keyInfo(key) };
    PGP.set(tk, key);
    trusted.push(tk);
  }
  return makeKeyring(trusted, []);
}

interface KeyEntry {
  key: openpgp.PublicKey;
  file: string;
  files: string[];
}

async function addKey(byFpr: Map<string, KeyEntry>, k: openpgp.PublicKey, file: string): Promise<void> {
  const fpr = k.getFingerprint();
  const prev = byFpr.get(fpr);
  if (!prev) byFpr.set(fpr, { key: k, file, files: [file] });
  else {
    try {
      byFpr.set(fpr, { key: (await prev.key.update(k)) as openpgp.PublicKey, file: prev.file, files: [...prev.files, file] });
    } catch (e) {
      throw new PsError('KEY_INVALID', `key ${fpr.toUpperCase()} in ${file} cannot be merged with the copy in ${prev.file}: ${(e as Error).message}`);
    }
  }
}

function normHex(s: string): string {
  return s.replace(/\s+/g, '').replace(/^0x/i, '').toUpperCase();
}

function makeKeyring(keys: TrustedKey[], sources: string[]): Keyring {
  return {
    keys,
    sources,
    find(id: string) {
      const want = normHex(id);
      if (!want) return undefined;
      for (const tk of keys) {
        if (tk.key.fingerprint === want || tk.key.keyId === want) return tk;
        const k = pgpKeyOf(tk);
        if (k && k.subkeys.some((s) => s.getFingerprint().toUpperCase() === want || s.getKeyID().toHex().toUpperCase() === want)) return tk;
      }
      return undefined;
    },
    armored() {
      return keys
        .map((tk) => {
          // from the key object when we have it (a PublicKey: it cannot hold secret material), else the stored armor
          const k = pgpKeyOf(tk);
          const text = k ? (k.isPrivate() ? (k as unknown as openpgp.PrivateKey).toPublic() : k).armor() : tk.key.armoredPublic;
          if (!text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----') || text.includes('PRIVATE KEY')) {
            throw new PsError('INTERNAL', `key ${tk.key.fingerprint}: its export is not a public key block`);
          }
          return text.endsWith('\n') ? text : `${text}\n`;
        })
        .join('');
    },
  };
}

function pgpKeyOf(tk: TrustedKey): openpgp.PublicKey | undefined {
  return PGP.get(tk);
}

async function pgpKey(tk: TrustedKey): Promise<openpgp.PublicKey> {
  let k = PGP.get(tk);
  if (!k) {
    k = await openpgp.readKey({ armoredKey: tk.key.armoredPublic });
    PGP.set(tk, k);
  }
  return k;
}

// ------------------------------------------------------------------------------------------------ data

type DataInput = NodeJS.ReadableStream | Buffer | Uint8Array | string;

/**
 * A web ReadableStream over the data that pulls one chunk at a time (true backpressure). We do not use
 * `Readable.toWeb`: on Node 20 its queue is counted in chunks, so a fast file and a slower hash can pile up
 * hundreds of MB.
 */
interface Source {
  input: ReadableStream<Uint8Array> | Uint8Array;
  /** Set when reading the data failed (an I/O error, not a signature problem). */
  error?: Error;
}

async function dataStream(data: DataInput): Promise<Source> {
  if (typeof data === 'string') {
    let st;
    try {
      st = await fsp.stat(data);
    } catch {
      throw new PsError('NOT_FOUND', `cannot read ${data}: no such file`);
    }
    if (!st.isFile()) throw new PsError('BAD_REQUEST', `${data} is not a file`);
    return pullStream(createReadStream(data, { highWaterMark: 1024 * 1024 }));
  }
  if (data instanceof Uint8Array) return { input: data };
  const r = data instanceof Readable ? data : new Readable().wrap(data);
  return pullStream(r);
}

function pullStream(r: Readable): Source {
  const it = r[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const src: Source = {
    input: new ReadableStream<Uint8Array>(
      {
        async pull(ctrl) {
          let step: IteratorResult<Buffer | string>;
          try {
            step = await it.next();
          } catch (e) {
            src.error = e as Error;
            throw e;
          }
          if (step.done) ctrl.close();
          else {
            const b = typeof step.value === 'string' ? Buffer.from(step.value) : step.value;
            ctrl.enqueue(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
          }
        },
        async cancel() {
          r.destroy();
          await it.return?.();
        },
      },
      { highWaterMark: 0 },
    ),
  };
  return src;
}

/** Release a caller's stream we did not (fully) read, e.g. after refusing a signature early. */
function release(data: DataInput): void {
  if (data instanceof Readable && !data.readableEnded && !data.destroyed) data.destroy();
}

function readFailure(src: Source): PsError | undefined {
  if (!src.error) return undefined;
  const e = src.error;
  return e instanceof PsError ? e : new PsError('INTERNAL', `reading the signed data failed: ${e.message}`, { cause: e });
}

async function readAllText(s: unknown): Promise<string> {
  if (typeof s === 'string') return s;
  const reader = (s as ReadableStream<string>).getReader();
  let out = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return out;
    out += value;
  }
}

async function drain(s: unknown): Promise<void> {
  if (s instanceof Uint8Array || typeof s === 'string') return;
  const reader = (s as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done } = await reader.read();
    if (done) return;
  }
}

// ------------------------------------------------------------------------------------------------ sign

/** Read and unlock a private key for signing. */
async function readSigningKey(privateArmored: string, passphrase?: string, date: Date = new Date()): Promise<openpgp.PrivateKey> {
  const type = firstArmorType(privateArmored);
  if (type && type !== 'PRIVATE KEY BLOCK') {
    throw new PsError('KEY_INVALID', type === 'PUBLIC KEY BLOCK' ? 'this is a public key; signing needs the private key (private.asc)' : `this is a PGP ${type}, not a private key`);
  }
  let key: openpgp.PrivateKey;
  try {
    key = await openpgp.readPrivateKey({ armoredKey: privateArmored });
  } catch (e) {
    throw new PsError('KEY_INVALID', `not an armored OpenPGP private key: ${(e as Error).message}`);
  }
  if (!key.isDecrypted()) {
    if (passphrase === undefined) throw new PsError('KEY_PASSPHRASE', `key ${key.getFingerprint().toUpperCase()} is passphrase-protected; give the passphrase (--passphrase-env VAR)`);
    try {
      key = await openpgp.decryptKey({ privateKey: key, passphrase });
    } catch (e) {
      throw new PsError('KEY_PASSPHRASE', `cannot unlock key ${key.getFingerprint().toUpperCase()}: ${(e as Error).message.replace(/^Error decrypting private key: /, '')}`);
    }
  }
  try {
    await key.getSigningKey(undefined, date);
  } catch (e) {
    throw new PsError('KEY_INVALID', `key ${key.getFingerprint().toUpperCase()} cannot sign${date ? ` at ${fmtDate(date)}` : ''}: ${(e as Error).message}`);
  }
  return key;
}

/**
 * An ASCII-armored detached signature (binary document signature, type 0x00) over the exact bytes of
 * `data` (a file path, a Buffer, or a Node stream), streamed.
 */
export async function signDetached(data: DataInput, privateArmored: string, passphrase?: string, opts: { date?: Date } = {}): Promise<string> {
  let key: openpgp.PrivateKey;
  try {
    key = await readSigningKey(privateArmored, passphrase, opts.date ?? new Date());
  } catch (e) {
    release(data);
    throw e;
  }
  const src = await dataStream(data);
  const message = await openpgp.createMessage({ binary: src.input as Uint8Array });
  let out: string;
  try {
    // Not openpgp.sign(): for a detached signature over a stream it reads the whole message into memory
    // (readToEnd of the written packets). Message.signDetached hashes a passive clone of the literal data,
    // so we drain the literal data ourselves (discarding it) while the signature is armored.
    const lit = message.packets.findPacket(openpgp.enums.packet.literalData) as unknown as { getBytes(clone?: boolean): unknown };
    const signDetachedFn = (message as unknown as { signDetached: (...a: unknown[]) => Promise<openpgp.Signature> }).signDetached.bind(message);
    const sig = await signDetachedFn([key], [], null, [], opts.date ?? new Date(), [], [], [], openpgp.config);
    const [armored] = await Promise.all([readAllText(sig.armor()), drain(lit.getBytes())]);
    out = armored;
  } catch (e) {
    release(data);
    const io = readFailure(src);
    if (io) throw io;
    if (e instanceof PsError) throw e;
    throw new PsError('INTERNAL', `signing failed: ${(e as Error).message}`, { cause: e });
  }
  return out.endsWith('\n') ? out : `${out}\n`;
}

// ------------------------------------------------------------------------------------------------ verify

/** Parse an armored detached signature; SIGNATURE_MISSING / SIGNATURE_MALFORMED on failure. */
export async function parseSignature(armoredSignature: string | Buffer | undefined | null): Promise<openpgp.Signature> {
  if (armoredSignature === undefined || armoredSignature === null) throw new PsError('SIGNATURE_MISSING', 'no signature given');
  const text = typeof armoredSignature === 'string' ? armoredSignature : armoredSignature.toString('latin1');
  if (text.trim() === '') throw new PsError('SIGNATURE_MISSING', 'the signature is empty');
  const type = firstArmorType(text);
  if (type === undefined) {
    // eslint-disable-next-line no-control-regex -- binary signature detection: control bytes are the point
    const binary = /[\x00-\x08\x0e-\x1f\x80-\xff]/.test(text.slice(0, 64));
    throw new PsError('SIGNATURE_MALFORMED', binary ? 'the signature is binary; an ASCII-armored signature is required (gpg --armor --detach-sign)' : 'no "-----BEGIN PGP SIGNATURE-----" armor found');
  }
  if (type !== 'SIGNATURE') throw new PsError('SIGNATURE_MALFORMED', `expected a PGP SIGNATURE block, found a PGP ${type}`);
  const blocks = armorBlocks(text).filter((b) => b.type === 'SIGNATURE');
  if (blocks.length === 0) throw new PsError('SIGNATURE_MALFORMED', 'the armor has no "-----END PGP SIGNATURE-----" line (truncated?)');
  if (blocks.length > 1) throw new PsError('SIGNATURE_MALFORMED', `found ${blocks.length} signature blocks; expected one`);
  const problem = armorProblem(blocks[0]!.text);
  if (problem) throw new PsError('SIGNATURE_MALFORMED', problem);
  let sig: openpgp.Signature;
  try {
    sig = await openpgp.readSignature({ armoredSignature: blocks[0]!.text, config: { ignoreMalformedPackets: false, ignoreUnsupportedPackets: false } });
  } catch (e) {
    throw new PsError('SIGNATURE_MALFORMED', `cannot parse the signature: ${(e as Error).message}`);
  }
  const packets = sig.packets.filterByTag(openpgp.enums.packet.signature) as unknown as openpgp.SignaturePacket[];
  if (packets.length === 0) throw new PsError('SIGNATURE_MALFORMED', 'the armor holds no signature packet');
  if (packets.length !== sig.packets.length) throw new PsError('SIGNATURE_MALFORMED', 'the signature block holds packets that are not signatures');
  for (const p of packets) {
    if (p.signatureType !== openpgp.enums.signature.binary && p.signatureType !== openpgp.enums.signature.text) {
      throw new PsError('SIGNATURE_MALFORMED', `not a document signature (OpenPGP signature type 0x${(p.signatureType ?? 0).toString(16).padStart(2, '0')})`);
    }
    if (!(p.created instanceof Date)) throw new PsError('SIGNATURE_MALFORMED', 'the signature has no creation time');
    if (!p.issuerKeyID || /^0+$/.test(p.issuerKeyID.toHex())) throw new PsError('SIGNATURE_MALFORMED', 'the signature does not name the key that made it (no issuer subpacket)');
  }
  return sig;
}

function fmtDate(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z');
}

/**
 * Verify an ASCII-armored detached signature over `data` (file path, Buffer or Node stream; streamed)
 * against a trusted keyring. Throws PsError: SIGNATURE_MISSING, SIGNATURE_MALFORMED, SIGNATURE_UNKNOWN_KEY,
 * SIGNATURE_KEY_REVOKED, SIGNATURE_KEY_EXPIRED, SIGNATURE_INVALID (see the module comment for the policy).
 */
export async function verifyDetached(data: DataInput, armoredSignature: string, keyring: Keyring, opts: { at?: Date } = {}): Promise<VerifyResult> {
  try {
    return await verifyInner(data, armoredSignature, keyring, opts.at ?? new Date());
  } catch (e) {
    release(data);
    throw e;
  }
}

async function verifyInner(data: DataInput, armoredSignature: string, keyring: Keyring, at: Date): Promise<VerifyResult> {
  const sig = await parseSignature(armoredSignature);
  const packets = sig.packets.filterByTag(openpgp.enums.packet.signature) as unknown as openpgp.SignaturePacket[];

  // 1. who signed: the first signature packet whose issuer is trusted
  let chosen: { packet: openpgp.SignaturePacket; tk: TrustedKey; key: openpgp.PublicKey; signing: openpgp.PublicKey | openpgp.Subkey } | undefined;
  for (const p of packets) {
    for (const tk of keyring.keys) {
      const key = await pgpKey(tk);
      const matches = key.getKeys(p.issuerKeyID);
      if (matches.length > 0) {
        chosen = { packet: p, tk, key, signing: matches[0]! };
        break;
      }
    }
    if (chosen) break;
  }
  if (!chosen) {
    const issuers = packets.map((p) => {
      const id = p.issuerKeyID.toHex().toUpperCase();
      const fpr = p.issuerFingerprint ? Buffer.from(p.issuerFingerprint).toString('hex').toUpperCase() : undefined;
      return fpr ? `${id} (fingerprint ${fpr})` : id;
    });
    throw new PsError(
      'SIGNATURE_UNKNOWN_KEY',
      `signed by key ${issuers.join(', ')}, which is not in the trusted keyring (${keyring.keys.length} key${keyring.keys.length === 1 ? '' : 's'}: ${keyring.keys
        .slice(0, 5)
        .map((k) => k.key.keyId)
        .join(', ')}${keyring.keys.length > 5 ? ', ...' : ''})`,
    );
  }
  const { packet, tk, key, signing } = chosen;
  const signedAt = packet.created!;
  const who = `key ${tk.key.fingerprint}${tk.key.userIds[0] ? ` (${tk.key.userIds[0]})` : ''}`;
  const isSubkey = signing !== key;

  // 2. revoked?
  if (tk.revoked) throw new PsError('SIGNATURE_KEY_REVOKED', `${who} is revoked in the trusted keyring${tk.reason ? `: ${tk.reason}` : ''}`);
  if (await key.isRevoked(undefined, undefined, at)) throw new PsError('SIGNATURE_KEY_REVOKED', `${who} carries a revocation signature${await revocationReason(key)}`);
  if (isSubkey && (await (signing as openpgp.Subkey).isRevoked(undefined as never, undefined as never, at))) {
    throw new PsError('SIGNATURE_KEY_REVOKED', `signing subkey ${signing.getKeyID().toHex().toUpperCase()} of ${who} is revoked`);
  }

  // 3. validity in time: the key's own lifetime and the keyring's window, at signing time and at `at`
  if (signing.getCreationTime() > signedAt) {
    throw new PsError('SIGNATURE_KEY_EXPIRED', `the signature (${fmtDate(signedAt)}) is dated before ${who} was created (${fmtDate(signing.getCreationTime())})`);
  }
  const exp = await key.getExpirationTime().catch(() => null);
  const subExp = isSubkey ? await (signing as openpgp.Subkey).getExpirationTime(signedAt).catch(() => null) : null;
  for (const [what, e] of [
    [who, exp],
    [`signing subkey ${signing.getKeyID().toHex().toUpperCase()} of ${who}`, subExp],
  ] as const) {
    if (e instanceof Date) {
      if (signedAt >= e) throw new PsError('SIGNATURE_KEY_EXPIRED', `${what} had expired (${fmtDate(e)}) when the signature was made (${fmtDate(signedAt)})`);
      if (at >= e) throw new PsError('SIGNATURE_KEY_EXPIRED', `${what} expired on ${fmtDate(e)}`);
    }
  }
  if (tk.notBefore && (signedAt < tk.notBefore || at < tk.notBefore)) {
    throw new PsError('SIGNATURE_KEY_EXPIRED', `${who} is trusted only from ${fmtDate(tk.notBefore)}; the signature was made ${fmtDate(signedAt)}`);
  }
  if (tk.notAfter && (signedAt >= tk.notAfter || at >= tk.notAfter)) {
    throw new PsError('SIGNATURE_KEY_EXPIRED', `${who} is trusted only until ${fmtDate(tk.notAfter)} (signature made ${fmtDate(signedAt)}, checked ${fmtDate(at)})`);
  }
  if (signedAt.getTime() > at.getTime() + CLOCK_SKEW_MS) {
    throw new PsError('SIGNATURE_INVALID', `the signature is dated in the future (${fmtDate(signedAt)}, now ${fmtDate(at)})`);
  }
  const sigExp = packet.getExpirationTime();
  if (sigExp instanceof Date && at >= sigExp) throw new PsError('SIGNATURE_KEY_EXPIRED', `the signature itself expired on ${fmtDate(sigExp)}`);

  // 4. the bytes (streamed); openpgp also re-checks the key's validity at signing time
  const single = new openpgp.Signature(new openpgp.PacketList());
  single.packets.push(packet as never);
  const src = await dataStream(data);
  const message = await openpgp.createMessage({ binary: src.input as Uint8Array });
  let failure: Error | undefined;
  try {
    const res = await openpgp.verify({
      message,
      signature: single,
      verificationKeys: [key],
      format: 'binary',
      date: new Date(at.getTime() + CLOCK_SKEW_MS),
    });
    await drain(res.data);
    const entry = res.signatures[0];
    if (!entry) throw new Error('no verifiable signature');
    await entry.verified;
  } catch (e) {
    failure = e as Error;
  }
  if (failure) {
    const io = readFailure(src);
    if (io) throw io;
    const msg = failure.message.replace(/^Error verifying signed message: /, '');
    if (/did not match|verification failed/i.test(msg)) throw new PsError('SIGNATURE_INVALID', `the bytes do not match the signature made by ${who}`);
    if (/expired/i.test(msg)) throw new PsError('SIGNATURE_KEY_EXPIRED', `${who}: ${msg}`);
    if (/revoked/i.test(msg)) throw new PsError('SIGNATURE_KEY_REVOKED', `${who}: ${msg}`);
    if (failure instanceof PsError) throw failure;
    throw new PsError('SIGNATURE_INVALID', `OpenPGP refused the signature by ${who}: ${msg}`);
  }
  return {
    fingerprint: tk.key.fingerprint,
    keyId: tk.key.keyId,
    userIds: tk.key.userIds,
    signedAt,
    signingKeyId: signing.getKeyID().toHex().toUpperCase(),
  };
}

async function revocationReason(key: openpgp.PublicKey): Promise<string> {
  const r = key.revocationSignatures[0];
  if (!r) return '';
  const names: Record<number, string> = { 0: 'no reason given', 1: 'superseded', 2: 'compromised', 3: 'retired' };
  const flag = r.reasonForRevocationFlag;
  const why = flag === null || flag === undefined ? '' : (names[flag] ?? `reason ${flag}`);
  const text = r.reasonForRevocationString ? `: ${r.reasonForRevocationString}` : '';
  return why || text ? ` (${why}${text})` : '';
}
