import { PsError, systemError, toPsError } from '../errors.js';

/** Exit codes: 0 ok, 1 a refused input / failed operation, 2 usage or not implemented. */
export const EXIT_OK = 0;
export const EXIT_FAIL = 1;
const EXIT_USAGE = 2;

/** Print an error plainly (`error CODE: message`) and return the exit code to use. */
export function reportError(e: unknown): number {
  // an operator's mistake (port in use, missing path, permissions) gets its own code and hint, not INTERNAL
  const err = e instanceof PsError ? e : (systemError(e) ?? toPsError(e));
  process.stderr.write(`error ${err.code}: ${err.message}\n`);
  if (err.hint) process.stderr.write(`hint: ${err.hint}\n`);
  if (err.code === 'INTERNAL' && err.cause instanceof Error && err.cause.stack && process.env.PACKAGE_STORAGE_DEBUG) {
    process.stderr.write(`${err.cause.stack}\n`);
  }
  return err.code === 'USAGE' || err.code === 'NOT_IMPLEMENTED' ? EXIT_USAGE : EXIT_FAIL;
}

/** Wrap a command action: errors are printed plainly and set a non-zero exit code. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      const code = await fn(...args);
      process.exitCode = code ?? EXIT_OK;
    } catch (e) {
      process.exitCode = reportError(e);
    }
  };
}

/** commander option parser for integers. */
export function intArg(name: string): (v: string) => number {
  return (v: string) => {
    if (!/^\d+$/.test(v)) throw new PsError('USAGE', `${name} must be a non-negative integer, got '${v}'`);
    return Number.parseInt(v, 10);
  };
}
