/**
 * ASCII armor helpers: split a text into armored blocks and check the optional CRC-24 footer.
 *
 * openpgp.js v6 no longer checks the armor checksum; GnuPG does. We check it ourselves so that a corrupted
 * `.sig` is reported as malformed (what it is) instead of as a signature that does not match the bytes.
 */

export interface ArmorBlock {
  /** The armor header type, e.g. `SIGNATURE`, `PUBLIC KEY BLOCK`, `PRIVATE KEY BLOCK`. */
  type: string;
  /** The whole block, BEGIN to END line inclusive. */
  text: string;
}

const BLOCK_RE = /-----BEGIN PGP ([A-Z0-9 ,/]+)-----[\s\S]*?-----END PGP \1-----/g;

/** Every complete armored block in `text`, in order. */
export function armorBlocks(text: string): ArmorBlock[] {
  const out: ArmorBlock[] = [];
  for (const m of text.matchAll(BLOCK_RE)) out.push({ type: m[1]!, text: m[0] });
  return out;
}

/** The type of the first BEGIN line in `text`, complete or not. */
export function firstArmorType(text: string): string | undefined {
  return /-----BEGIN PGP ([A-Z0-9 ,/]+)-----/.exec(text)?.[1];
}

/** CRC-24 as defined in RFC 4880 §6.1. */
export function crc24(data: Uint8Array): number {
  let crc = 0xb704ce;
  for (const b of data) {
    crc ^= b << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

/**
 * Check the body of one armored block: base64 only, and the CRC-24 footer (when present) matches.
 * Returns a problem description, or undefined when the block is fine.
 */
export function armorProblem(block: string): string | undefined {
  const lines = block.split(/\r?\n/).map((l) => l.trimEnd());
  const begin = lines.findIndex((l) => l.startsWith('-----BEGIN PGP '));
  const end = lines.findIndex((l, i) => i > begin && l.startsWith('-----END PGP '));
  if (begin < 0 || end < 0) return 'the armor has no BEGIN/END lines';
  // headers run until the first empty line
  let i = begin + 1;
  while (i < end && lines[i] !== '' && /^[A-Za-z-]+: /.test(lines[i]!)) i++;
  if (i < end && lines[i] === '') i++;
  const body: string[] = [];
  let checksum: string | undefined;
  for (; i < end; i++) {
    const l = lines[i]!.trim();
    if (l === '') continue;
    if (l.startsWith('=') && l.length === 5) {
      checksum = l.slice(1);
      continue;
    }
    if (!/^[A-Za-z0-9+/]+=*$/.test(l)) return `line ${i + 1} is not base64`;
    body.push(l);
  }
  const b64 = body.join('');
  if (b64.length === 0) return 'the armor is empty';
  if (b64.length % 4 !== 0) return 'the base64 body is truncated';
  if (checksum !== undefined) {
    if (!/^[A-Za-z0-9+/]{4}$/.test(checksum)) return 'the armor checksum line is not base64';
    const want = Buffer.from(checksum, 'base64').readUIntBE(0, 3);
    const got = crc24(Buffer.from(b64, 'base64'));
    if (want !== got) return 'the armor checksum (CRC-24) does not match: the signature was altered or truncated';
  }
  return undefined;
}
