/**
 * Byte ranges of stored objects, shared by the backends: turn a requested {@link ByteRange} into the inclusive
 * span actually served, or refuse it with STORAGE_RANGE_INVALID. The rules are HTTP's (RFC 9110 §14.1.2):
 * an end past the last byte is clamped, a suffix longer than the object means the whole object, a start at or
 * past the end (or any range of an empty object) is unsatisfiable.
 */
import { PsError } from '../errors.js';
import type { ByteRange } from './types.js';

/** An inclusive span of bytes, `start <= end`, both inside the object. */
export interface ByteSpan {
  start: number;
  end: number;
}

/** The span of an object of `size` bytes that `range` asks for; throws PsError STORAGE_RANGE_INVALID. */
export function resolveRange(key: string, range: ByteRange, size: number): ByteSpan {
  const bad = (why: string): never => {
    throw new PsError('STORAGE_RANGE_INVALID', `${JSON.stringify(key)} (${size} bytes): ${why}`);
  };
  if ('suffix' in range) {
    if (!Number.isSafeInteger(range.suffix) || range.suffix <= 0) bad(`suffix ${range.suffix} must be a positive integer`);
    if (size === 0) bad('object is empty');
    return { start: Math.max(0, size - range.suffix), end: size - 1 };
  }
  if (!Number.isSafeInteger(range.start) || range.start < 0) bad(`start ${range.start} must be a non-negative integer`);
  if (range.start >= size) bad(`start ${range.start} is past the end`);
  let end = range.end ?? size - 1;
  if (!Number.isSafeInteger(end)) bad(`end ${end} must be an integer`);
  if (end < range.start) bad(`end ${end} is before start ${range.start}`);
  if (end > size - 1) end = size - 1;
  return { start: range.start, end };
}
