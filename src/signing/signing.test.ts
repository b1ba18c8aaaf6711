import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as openpgp from 'openpgp';
import { generateKeyPair, signDetached, verifyDetached, keyringFromArmored, loadKeyring, parseSignature, describeKeys, type Keyring } from './index.js';
import { crc24 } from './armor.js';
import { rejectsWithPsError } from '../../test/helpers/assert-error.js';

const HOUR = 3600e3;
const DAY = 24 * HOUR;

const rejects = rejectsWithPsError;

let dir: string;
let alice: Awaited<ReturnType<typeof generateKeyPair>>;
let bob: Awaited<ReturnType<typeof generateKeyPair>>;
let aliceRing: Keyring;
const data = randomBytes(300_000);
let dataFile: string;
let aliceSig: string;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ps-signing-'));
  alice = await generateKeyPair({ name: 'Alice', email: 'alice@example.com' });
  bob = await generateKeyPair({ name: 'Bob', email: 'bob@example.com' });
  aliceRing = await keyringFromArmored([alice.publicArmored]);
  dataFile = path.join(dir, 'data.zip');
  writeFileSync(dataFile, data);
  aliceSig = await signDetached(dataFile, alice.privateArmored);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('sign and verify', () => {
  test('a file path, a Buffer and Node streams give the same verdict', async () => {
    assert.match(aliceSig, /^-----BEGIN PGP SIGNATURE-----\n/);
    assert.match(aliceSig, /\n=[A-Za-z0-9+/]{4}\n-----END PGP SIGNATURE-----\n$/);
    const r = await verifyDetached(dataFile, aliceSig, aliceRing);
    assert.equal(r.fingerprint, alice.fingerprint);
    assert.equal(r.keyId, alice.fingerprint.slice(-16));
    assert.equal(r.signingKeyId, r.keyId);
    assert.deepEqual(r.userIds, ['Alice <alice@example.com>']);
    assert.ok(Math.abs(r.signedAt.getTime() - Date.now()) < 10 * 60e3);
    await verifyDetached(data, aliceSig, aliceRing);
    await verifyDetached(createReadStream(dataFile, { highWaterMark: 7777 }), aliceSig, aliceRing);
    await verifyDetached(Readable.from([data.subarray(0, 1), data.subarray(1, 100_000), data.subarray(100_000)]), aliceSig, aliceRing);
    // signatures made from a Buffer and from a stream verify against the file
    await verifyDetached(dataFile, await signDetached(data, alice.privateArmored), aliceRing);
    await verifyDetached(dataFile, await signDetached(createReadStream(dataFile), alice.privateArmored), aliceRing);
  });

  test('Kibana Fleet\'s check (openpgp.js: readKey, readSignature, createMessage over the zip bytes, verify) accepts our signature', async () => {
    // the same calls as x-pack/plugins/fleet/server/services/epm/packages/package_verification.ts
    const publicKey = await openpgp.readKey({ armoredKey: alice.publicArmored });
    const signature = await openpgp.readSignature({ armoredSignature: aliceSig });
    const message = await openpgp.createMessage({ binary: data });
    const { signatures } = await openpgp.verify({ verificationKeys: publicKey, signature, message });
    assert.equal(await signatures[0]!.verified, true);
    assert.equal(signatures[0]!.keyID.toHex().toUpperCase(), alice.fingerprint.slice(-16));
  });

  test('a refused signature releases the caller\'s stream; a read error is not a signature verdict', async () => {
    const s = createReadStream(dataFile);
    await rejects(verifyDetached(s, aliceSig, await keyringFromArmored([bob.publicArmored])), 'SIGNATURE_UNKNOWN_KEY');
    assert.equal(s.destroyed, true);
    const failing = new Readable({
      read() {
        this.destroy(new Error('connection reset'));
      },
    });
    await rejects(verifyDetached(failing, aliceSig, aliceRing), 'INTERNAL', /reading the signed data failed: connection reset/);
    const failing2 = new Readable({
      read() {
        this.destroy(new Error('disk gone'));
      },
    });
    await rejects(signDetached(failing2, alice.privateArmored), 'INTERNAL', /disk gone/);
  });

  test('empty data can be signed and verified', async () => {
    const sig = await signDetached(Buffer.alloc(0), alice.privateArmored);
    await verifyDetached(Buffer.alloc(0), sig, aliceRing);
    await rejects(verifyDetached(Buffer.from([0]), sig, aliceRing), 'SIGNATURE_INVALID');
  });

  test('one changed byte, one byte more or less: SIGNATURE_INVALID', async () => {
    for (const pos of [0, 150_000, data.length - 1]) {
      const t = Buffer.from(data);
      t[pos] = t[pos]! ^ 0x01;
      await rejects(verifyDetached(t, aliceSig, aliceRing), 'SIGNATURE_INVALID', /do not match/);
    }
    await rejects(verifyDetached(Buffer.concat([data, Buffer.from([0])]), aliceSig, aliceRing), 'SIGNATURE_INVALID');
    await rejects(verifyDetached(data.subarray(0, data.length - 1), aliceSig, aliceRing), 'SIGNATURE_INVALID');
  });

  test('RSA keys sign and verify', async () => {
    const rsa = await generateKeyPair({ name: 'Rsa', email: 'rsa@example.com', type: 'rsa', rsaBits: 2048 });
    const [info] = await describeKeys(rsa.publicArmored);
    assert.equal(info!.algorithm, 'rsa2048');
    const sig = await signDetached(dataFile, rsa.privateArmored);
    const r = await verifyDetached(dataFile, sig, await keyringFromArmored([rsa.publicArmored]));
    assert.equal(r.fingerprint, rsa.fingerprint);
  });

  test('a signing subkey: reported as signingKeyId, the primary as fingerprint', async () => {
    const k = await openpgp.generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ name: 'Sub', email: 'sub@example.com' }], subkeys: [{ sign: true }], format: 'armored' });
    const sig = await signDetached(data, k.privateKey);
    const ring = await keyringFromArmored([k.publicKey]);
    const r = await verifyDetached(data, sig, ring);
    const pub = await openpgp.readKey({ armoredKey: k.publicKey });
    assert.equal(r.fingerprint, pub.getFingerprint().toUpperCase());
    assert.equal(r.signingKeyId, pub.subkeys[0]!.getKeyID().toHex().toUpperCase());
    assert.equal(ring.find(r.signingKeyId)?.key.fingerprint, r.fingerprint);
  });

  test('passphrase-protected keys', async () => {
    const k = await generateKeyPair({ name: 'Locked', email: 'locked@example.com', passphrase: 'correct horse' });
    assert.match(k.privateArmored, /PRIVATE KEY BLOCK/);
    await rejects(signDetached(data, k.privateArmored), 'KEY_PASSPHRASE', /passphrase-protected/);
    await rejects(signDetached(data, k.privateArmored, 'wrong'), 'KEY_PASSPHRASE');
    const sig = await signDetached(data, k.privateArmored, 'correct horse');
    await verifyDetached(data, sig, await keyringFromArmored([k.publicArmored]));
  });

  test('signing with a public key or junk: KEY_INVALID', async () => {
    await rejects(signDetached(data, alice.publicArmored), 'KEY_INVALID', /public key/);
    await rejects(signDetached(data, 'hello'), 'KEY_INVALID');
    await rejects(signDetached(path.join(dir, 'nope.zip'), alice.privateArmored), 'NOT_FOUND');
  });

  test('generateKeyPair checks its input', async () => {
    await rejects(generateKeyPair({ name: '', email: 'a@b.c' }), 'USAGE');
    await rejects(generateKeyPair({ name: 'A', email: 'not-an-email' }), 'USAGE');
    await rejects(generateKeyPair({ name: 'A <x>', email: 'a@b.c' }), 'USAGE');
  });
});

describe('malformed and missing signatures', () => {
  test('empty: SIGNATURE_MISSING', async () => {
    await rejects(verifyDetached(data, '', aliceRing), 'SIGNATURE_MISSING');
    await rejects(verifyDetached(data, ' \n\t\n', aliceRing), 'SIGNATURE_MISSING');
  });

  test('truncated anywhere: SIGNATURE_MALFORMED', async () => {
    for (const n of [10, 40, Math.floor(aliceSig.length / 2), aliceSig.length - 30]) {
      await rejects(verifyDetached(data, aliceSig.slice(0, n), aliceRing), 'SIGNATURE_MALFORMED');
    }
    // lines cut out of the middle, END line kept
    const lines = aliceSig.split('\n');
    await rejects(verifyDetached(data, [...lines.slice(0, 3), ...lines.slice(4)].join('\n'), aliceRing), 'SIGNATURE_MALFORMED');
  });

  test('a changed character in the armor: the CRC-24 catches it', async () => {
    const lines = aliceSig.split('\n');
    const i = 3;
    const c = lines[i]![10] === 'A' ? 'B' : 'A';
    lines[i] = lines[i]!.slice(0, 10) + c + lines[i]!.slice(11);
    await rejects(verifyDetached(data, lines.join('\n'), aliceRing), 'SIGNATURE_MALFORMED', /CRC-24/);
  });

  test('not a signature: plain text, binary, a key block, a placeholder', async () => {
    await rejects(verifyDetached(data, 'e16ddaf4f91df524b27bf4f2e4b1ac09', aliceRing), 'SIGNATURE_MALFORMED', /BEGIN PGP SIGNATURE/);
    await rejects(verifyDetached(data, '\x89\x01\x33\x04\x00\x01\x08\x00', aliceRing), 'SIGNATURE_MALFORMED', /binary/);
    await rejects(verifyDetached(data, alice.publicArmored, aliceRing), 'SIGNATURE_MALFORMED', /PUBLIC KEY BLOCK/);
    await rejects(verifyDetached(data, `${aliceSig}${aliceSig}`, aliceRing), 'SIGNATURE_MALFORMED', /2 signature blocks/);
    await rejects(verifyDetached(data, '-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n', aliceRing), 'SIGNATURE_MALFORMED');
  });

  test('a key certification is not a document signature', async () => {
    const sig = await openpgp.readSignature({ armoredSignature: aliceSig });
    const key = await openpgp.readKey({ armoredKey: alice.publicArmored });
    const cert = new openpgp.Signature(new openpgp.PacketList());
    cert.packets.push(key.users[0]!.selfCertifications[0]! as never);
    await rejects(parseSignature(cert.armor()), 'SIGNATURE_MALFORMED', /not a document signature/);
    assert.ok(sig);
  });

  test('the real EPR test signature is a placeholder, refused as malformed', async (t) => {
    const zip = path.resolve(import.meta.dirname, '../../../shared/testdata/epr/local-storage/example-1.0.1.zip');
    if (!existsSync(zip) || !existsSync(`${zip}.sig`)) return t.skip('../shared/testdata/epr/local-storage is absent');
    // (Elastic's test data ships a hex digest as the ".sig", not an OpenPGP signature.)
    const sig = readFileSync(`${zip}.sig`, 'utf8');
    if (sig.includes('BEGIN PGP SIGNATURE')) {
      await rejects(verifyDetached(zip, sig, aliceRing), 'SIGNATURE_UNKNOWN_KEY', /[0-9A-F]{16}/);
    } else {
      await rejects(verifyDetached(zip, sig, aliceRing), 'SIGNATURE_MALFORMED');
    }
  });

  test('crc24 matches RFC 4880 test value', () => {
    assert.equal(crc24(Buffer.from('')), 0xb704ce);
    // computed over "123456789" by the reference implementation
    assert.equal(crc24(Buffer.from('123456789')), 0x21cf02);
  });
});

describe('trust: unknown, expired, revoked keys', () => {
  test('a key not in the keyring: SIGNATURE_UNKNOWN_KEY naming the issuer', async () => {
    const bobRing = await keyringFromArmored([bob.publicArmored]);
    await rejects(verifyDetached(data, aliceSig, bobRing), 'SIGNATURE_UNKNOWN_KEY', new RegExp(alice.fingerprint.slice(-16)));
    // rotation: both keys trusted
    const both = await keyringFromArmored([bob.publicArmored, alice.publicArmored]);
    assert.equal((await verifyDetached(data, aliceSig, both)).fingerprint, alice.fingerprint);
  });

  test('a key that has expired since it signed: SIGNATURE_KEY_EXPIRED, unless checked as of an earlier date', async () => {
    const t0 = new Date(Date.now() - 10 * DAY);
    const k = await generateKeyPair({ name: 'Old', email: 'old@example.com', date: t0, keyExpirationTime: 2 * 24 * 3600 });
    const signedAt = new Date(t0.getTime() + DAY);
    const sig = await signDetached(data, k.privateArmored, undefined, { date: signedAt });
    const ring = await keyringFromArmored([k.publicArmored]);
    assert.ok(ring.keys[0]!.key.expires);
    await rejects(verifyDetached(data, sig, ring), 'SIGNATURE_KEY_EXPIRED', /expired on/);
    const r = await verifyDetached(data, sig, ring, { at: new Date(t0.getTime() + DAY + HOUR) });
    assert.equal(r.signedAt.getTime(), Math.floor(signedAt.getTime() / 1000) * 1000);
    // still: the bytes must match
    await rejects(verifyDetached(Buffer.from('x'), sig, ring, { at: new Date(t0.getTime() + DAY + HOUR) }), 'SIGNATURE_INVALID');
  });

  test('a key already expired when it signed: SIGNATURE_KEY_EXPIRED at any date', async () => {
    const t0 = new Date(Date.now() - 10 * DAY);
    const k = await generateKeyPair({ name: 'Late', email: 'late@example.com', date: t0 });
    const sig = await signDetached(data, k.privateArmored, undefined, { date: new Date(t0.getTime() + 2 * HOUR) });
    // the same key material, re-certified (as of t0) with a one-hour lifetime
    const priv = await openpgp.readPrivateKey({ armoredKey: k.privateArmored });
    const re = await openpgp.reformatKey({ privateKey: priv, userIDs: [{ name: 'Late', email: 'late@example.com' }], keyExpirationTime: 3600, date: t0, format: 'armored' });
    const ring = await keyringFromArmored([re.publicKey]);
    assert.equal(ring.keys[0]!.key.fingerprint, k.fingerprint);
    await rejects(verifyDetached(data, sig, ring), 'SIGNATURE_KEY_EXPIRED', /when the signature was made/);
    await rejects(verifyDetached(data, sig, ring, { at: new Date(t0.getTime() + 3 * HOUR) }), 'SIGNATURE_KEY_EXPIRED', /when the signature was made/);
  });

  test('a signature dated in the future: SIGNATURE_INVALID', async () => {
    const sig = await signDetached(data, alice.privateArmored, undefined, { date: new Date(Date.now() + 2 * DAY) });
    await rejects(verifyDetached(data, sig, aliceRing), 'SIGNATURE_INVALID', /future/);
  });

  test('a revoked key (revocation in the key, or a revocation certificate beside it): SIGNATURE_KEY_REVOKED', async () => {
    const k = await generateKeyPair({ name: 'Gone', email: 'gone@example.com' });
    const sig = await signDetached(data, k.privateArmored);
    await verifyDetached(data, sig, await keyringFromArmored([k.publicArmored]));
    // the revocation certificate made with the key
    const withCert = await keyringFromArmored([k.publicArmored, k.revocationCertificate]);
    assert.equal(withCert.keys[0]!.key.revoked, true);
    await rejects(verifyDetached(data, sig, withCert), 'SIGNATURE_KEY_REVOKED', /revocation/);
    // a key revoked as compromised
    const priv = await openpgp.readPrivateKey({ armoredKey: k.privateArmored });
    const rev = await openpgp.revokeKey({ key: priv, reasonForRevocation: { flag: openpgp.enums.reasonForRevocation.keyCompromised, string: 'leaked' }, format: 'armored' });
    const ring = await keyringFromArmored([rev.publicKey]);
    await rejects(verifyDetached(data, sig, ring), 'SIGNATURE_KEY_REVOKED', /compromised: leaked/);
    await rejects(verifyDetached(data, sig, ring, { at: new Date(Date.now() - DAY) }), 'SIGNATURE_KEY_REVOKED');
    // a revocation certificate of another key is refused when loading
    await rejects(keyringFromArmored([alice.publicArmored, k.revocationCertificate]), 'KEY_INVALID', /revocation certificate/);
  });

  test('a soft revocation (superseded) refuses only once it exists', async () => {
    const t0 = new Date(Date.now() - 10 * DAY);
    const k = await generateKeyPair({ name: 'Retired', email: 'retired@example.com', date: t0 });
    const sig = await signDetached(data, k.privateArmored, undefined, { date: new Date(t0.getTime() + HOUR) });
    const priv = await openpgp.readPrivateKey({ armoredKey: k.privateArmored });
    const rev = await openpgp.revokeKey({ key: priv, reasonForRevocation: { flag: openpgp.enums.reasonForRevocation.keySuperseded }, date: new Date(t0.getTime() + DAY), format: 'armored' });
    const ring = await keyringFromArmored([rev.publicKey]);
    await rejects(verifyDetached(data, sig, ring), 'SIGNATURE_KEY_REVOKED', /superseded/);
    await verifyDetached(data, sig, ring, { at: new Date(t0.getTime() + 2 * HOUR) });
  });
});

describe('loadKeyring', () => {
  function keyDir(name: string, files: Record<string, string | Uint8Array>): string {
    const d = path.join(dir, name);
    mkdirSync(d, { recursive: true });
    for (const [f, c] of Object.entries(files)) writeFileSync(path.join(d, f), c);
    return d;
  }

  test('a folder of armored, private and binary keys; files and folders mixed', async () => {
    const carol = await generateKeyPair({ name: 'Carol', email: 'carol@example.com' });
    const carolBin = (await openpgp.readKey({ armoredKey: carol.publicArmored })).write();
    const d = keyDir('ring1', { 'alice.asc': alice.publicArmored, 'bob.key': bob.privateArmored, 'carol.gpg': carolBin, 'README.md': 'not a key' });
    const ring = await loadKeyring(d);
    assert.deepEqual(ring.keys.map((k) => k.key.fingerprint).sort(), [alice.fingerprint, bob.fingerprint, carol.fingerprint].sort());
    assert.equal(ring.sources.length, 3);
    assert.ok(!ring.armored().includes('PRIVATE'));
    assert.equal((ring.armored().match(/BEGIN PGP PUBLIC KEY BLOCK/g) ?? []).length, 3);
    assert.equal(ring.find(alice.fingerprint.toLowerCase())?.key.fingerprint, alice.fingerprint);
    assert.equal(ring.find(alice.fingerprint.slice(-16))?.key.fingerprint, alice.fingerprint);
    assert.equal(ring.find('0000000000000000'), undefined);
    await verifyDetached(data, aliceSig, ring);
    // one file holding two keys, plus a folder
    const two = path.join(dir, 'two.asc');
    writeFileSync(two, alice.publicArmored + bob.publicArmored);
    assert.equal((await loadKeyring([two, keyDir('ring1b', { 'carol.asc': carol.publicArmored })])).keys.length, 3);
    // the same key twice is one key
    assert.equal((await loadKeyring([two, d])).keys.length, 3);
  });

  test('bad inputs: KEY_INVALID', async () => {
    await rejects(loadKeyring(path.join(dir, 'missing')), 'KEY_INVALID', /no such file/);
    await rejects(loadKeyring(keyDir('empty', {})), 'KEY_INVALID', /no key files/);
    await rejects(loadKeyring(keyDir('junk', { 'x.asc': 'hello' })), 'KEY_INVALID');
    await rejects(loadKeyring(keyDir('sig', { 'x.asc': aliceSig })), 'KEY_INVALID', /SIGNATURE/);
    await rejects(loadKeyring(keyDir('trunc', { 'x.asc': alice.publicArmored.slice(0, 200) })), 'KEY_INVALID');
    await rejects(loadKeyring([]), 'KEY_INVALID');
  });

  test('keyring.json: revoked and validity windows', async () => {
    const past = new Date(Date.now() - DAY).toISOString();
    const future = new Date(Date.now() + DAY).toISOString();
    const revoked = keyDir('rev', { 'alice.asc': alice.publicArmored, 'keyring.json': JSON.stringify({ keys: { [alice.fingerprint]: { revoked: true, reason: 'rotated out' } } }) });
    const r1 = await loadKeyring(revoked);
    assert.equal(r1.keys[0]!.revoked, true);
    await rejects(verifyDetached(data, aliceSig, r1), 'SIGNATURE_KEY_REVOKED', /rotated out/);
    // a single file from that folder still gets the folder's keyring.json
    await rejects(verifyDetached(data, aliceSig, await loadKeyring(path.join(revoked, 'alice.asc'))), 'SIGNATURE_KEY_REVOKED');

    const ended = keyDir('ended', { 'alice.asc': alice.publicArmored, 'keyring.json': JSON.stringify({ keys: { [alice.fingerprint.slice(-16).toLowerCase()]: { notAfter: past } } }) });
    await rejects(verifyDetached(data, aliceSig, await loadKeyring(ended)), 'SIGNATURE_KEY_EXPIRED', /trusted only until/);
    const notYet = keyDir('notyet', { 'alice.asc': alice.publicArmored, 'alice.json': JSON.stringify({ notBefore: future }) });
    await rejects(verifyDetached(data, aliceSig, await loadKeyring(notYet)), 'SIGNATURE_KEY_EXPIRED', /trusted only from/);
    const inside = keyDir('inside', { 'alice.asc': alice.publicArmored, 'alice.json': JSON.stringify({ notBefore: past, notAfter: future }) });
    const ring = await loadKeyring(inside);
    assert.equal(ring.keys[0]!.notAfter?.toISOString(), future);
    await verifyDetached(data, aliceSig, ring);
    // the stricter of the two sidecars wins
    const both = keyDir('both', { 'alice.asc': alice.publicArmored, 'alice.json': JSON.stringify({ notAfter: future }), 'keyring.json': JSON.stringify({ keys: { [alice.fingerprint]: { notAfter: past } } }) });
    await rejects(verifyDetached(data, aliceSig, await loadKeyring(both)), 'SIGNATURE_KEY_EXPIRED');
  });

  test('sidecar mistakes are errors, never silently ignored', async () => {
    const bad = async (files: Record<string, string>, re: RegExp) => rejects(loadKeyring(keyDir(`bad-${Math.random().toString(36).slice(2)}`, { 'alice.asc': alice.publicArmored, ...files })), 'CONFIG_INVALID', re);
    await bad({ 'keyring.json': '{' }, /not valid JSON/);
    await bad({ 'keyring.json': JSON.stringify({ keys: { [bob.fingerprint]: { revoked: true } } }) }, /matches no key/);
    await bad({ 'keyring.json': JSON.stringify({ keys: { 'ABC': { revoked: true } } }) }, /not a key fingerprint/);
    await bad({ 'keyring.json': JSON.stringify({ keys: { [alice.fingerprint]: { revokd: true } } }) }, /unknown field 'revokd'/);
    await bad({ 'alice.json': JSON.stringify({ notAfter: 'next year' }) }, /ISO 8601/);
    await bad({ 'alice.json': JSON.stringify({ revoked: 'yes' }) }, /true or false/);
    await bad({ 'alice.json': JSON.stringify({ notBefore: '2030-01-01', notAfter: '2020-01-01' }) }, /before notAfter/);
  });

  test('a revocation certificate dropped into the folder revokes its key', async () => {
    const k = await generateKeyPair({ name: 'Dropped', email: 'dropped@example.com' });
    const sig = await signDetached(data, k.privateArmored);
    const d = keyDir('dropped', { 'k.asc': k.publicArmored, 'k-revoked.asc': k.revocationCertificate });
    await rejects(verifyDetached(data, sig, await loadKeyring(d)), 'SIGNATURE_KEY_REVOKED');
    // .rev files are not read: the folder `keys generate` writes is a usable keyring
    const d2 = keyDir('generated', { 'public.asc': k.publicArmored, 'private.asc': k.privateArmored, 'revocation.rev': k.revocationCertificate });
    await verifyDetached(data, sig, await loadKeyring(d2));
  });
});
