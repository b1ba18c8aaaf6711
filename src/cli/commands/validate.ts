/**
 * `package-storage validate <zip|dir>... [--json] [--legacy]`: validates packages against the package spec.
 * Prints every error per package; exits 0 only if all are valid.
 */
import type { Command } from 'commander';
import { promises as fsp } from 'node:fs';
import { PsError, toPsError } from '../../errors.js';
import { openFolder } from '../../package/folder.js';
import { openZip } from '../../package/zip.js';
import type { PackageSource } from '../../package/source.js';
import { validatePackage, type ValidationIssue } from '../../spec/index.js';
import { action, EXIT_FAIL, EXIT_OK } from '../util.js';

export interface ValidateEntry {
  package: string;
  valid: boolean;
  errors: ValidationIssue[];
}

async function openAny(arg: string): Promise<PackageSource> {
  let st;
  try {
    st = await fsp.stat(arg);
  } catch {
    throw new PsError('NOT_FOUND', `no such file or folder: ${arg}`);
  }
  if (st.isDirectory()) return openFolder(arg);
  return openZip(arg);
}

/** Validate one argument; never throws (unreadable input becomes an entry with the PsError code). */
export async function validateArg(arg: string, legacy: boolean): Promise<ValidateEntry> {
  let src: PackageSource | undefined;
  try {
    src = await openAny(arg);
    const r = await validatePackage(src, { legacy });
    return { package: arg, valid: r.valid, errors: r.errors };
  } catch (e) {
    const err = toPsError(e);
    let message = err.message;
    if (err.code === 'ZIP_ROOT_INVALID') {
      // package-spec's wording for the same condition
      const n = /has (\d+) top-level folders/.exec(message)?.[1] ?? (/ is empty$/.test(message) ? '0' : undefined);
      if (n !== undefined) message += ` (a single directory is expected in zip file, ${n} found)`;
    }
    return { package: arg, valid: false, errors: [{ code: err.code, message }] };
  } finally {
    await src?.close().catch(() => {});
  }
}

export function register(program: Command): void {
  program
    .command('validate')
    .description('validate packages (zip files or folders) against the Elastic package spec')
    .argument('<zip|dir...>', 'package zip files or package folders')
    .option('--json', 'print [{package, valid, errors:[{code, file, line?, message}]}] on stdout')
    .option('--legacy', 're-publish mode for old v1 packages: only check what deriving the package document needs')
    .addHelpText(
      'after',
      `
Exit status: 0 if every package is valid, 1 otherwise.

Examples:
  package-storage validate ./nginx-1.2.0.zip ./packages/apache
  package-storage validate --json --legacy old/*.zip`,
    )
    .action(action(async (args: string[], opts: { json?: boolean; legacy?: boolean }) => runValidate(args, opts, (t) => process.stdout.write(t))));
}

/** The command's body: validates every argument, writes the report with `write`, returns the exit code. */
export async function runValidate(args: string[], opts: { json?: boolean; legacy?: boolean }, write: (text: string) => void): Promise<number> {
  const results: ValidateEntry[] = [];
  for (const a of args) results.push(await validateArg(a, !!opts.legacy));
  if (opts.json) {
    const out = results.map((r) => ({
      package: r.package,
      valid: r.valid,
      errors: r.errors.map((e) => ({ code: e.code, file: e.file, ...(e.line !== undefined ? { line: e.line } : {}), message: e.message })),
    }));
    write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    for (const r of results) {
      if (r.valid) {
        write(`${r.package}: valid\n`);
        continue;
      }
      write(`${r.package}: ${r.errors.length} error${r.errors.length === 1 ? '' : 's'}\n`);
      for (const e of r.errors) {
        const loc = e.file ? ` ${e.file}${e.line !== undefined ? `:${e.line}` : ''}` : '';
        write(`  ${e.code}${loc} ${e.message}\n`);
      }
    }
  }
  return results.every((r) => r.valid) ? EXIT_OK : EXIT_FAIL;
}
