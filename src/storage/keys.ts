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
