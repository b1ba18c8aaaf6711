import { PsError } from '../errors.js';

/**
 * Validate an object key: non-empty, relative, `/`-separated, no `..` or `.` segments, no empty
 * segments, no backslashes, no NUL or control characters. Throws STORAGE_KEY_INVALID.
 */
export function validateKey(key: string): string {
  const bad = (why: string): never => {
    throw new PsError('STORAGE_KEY_INVALID', `${JSON.stringify(key)}: ${why}`);
  };
  if (typeof key !== 'string' || key.length === 0) bad('empty key');
  if (key.length > 1024) bad('longer than 1024 characters');
  if (key.startsWith('/')) bad('absolute path');
  if (key.includes('\\')) bad('backslash');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) bad('control character or NUL');
  for (const seg of key.split('/')) {
    if (seg === '..' || seg === '.') bad(`'${seg}' segment`);
  }
  if (key.endsWith('/')) bad('ends with /');
  if (key.includes('//')) bad('empty segment');
  return key;
}

/** Validate a list prefix: like a key but may be empty or end with `/`. */
export function validatePrefix(prefix: string): string {
  if (prefix === '') return prefix;
  validateKey(prefix.endsWith('/') ? prefix.slice(0, -1) || 'x' : prefix);
  return prefix;
}

/**
 * A key every backend can store: a valid key (validateKey) whose segments each fit a file name on local disks
 * (255 UTF-8 bytes) and whose whole fits S3's limit (1024 UTF-8 bytes). Callers that write keys derived from
 * untrusted input (a zip's file names) check this before their first write. Throws STORAGE_KEY_INVALID.
 */
export function checkPortableKey(key: string): string {
  validateKey(key);
  if (Buffer.byteLength(key, 'utf8') > 1024) throw new PsError('STORAGE_KEY_INVALID', `${JSON.stringify(key.slice(0, 80))}...: longer than 1024 bytes`);
  for (const seg of key.split('/')) {
    if (Buffer.byteLength(seg, 'utf8') > 255) throw new PsError('STORAGE_KEY_INVALID', `a path segment of ${Buffer.byteLength(seg, 'utf8')} bytes (at most 255): ${JSON.stringify(seg.slice(0, 40))}...`);
  }
  return key;
}
