/**
 * `package-storage build <dir> [--out <dir|file>]`: a package folder → a deterministic `{name}-{version}.zip`
 * laid out as elastic-package lays it out (see src/package/build.ts). Prints the zip path, name, version,
 * size and sha256.
 */
import type { Command } from 'commander';
import { buildZip } from '../../package/build.js';
import { action } from '../util.js';

export function register(program: Command): void {
  program
    .command('build')
    .description('build a package folder into {name}-{version}.zip (reproducible: same folder, same bytes)')
    .argument('<dir>', 'the package folder (holding manifest.yml)')
    .option('--out <dir|file>', 'output directory (→ <dir>/{name}-{version}.zip) or .zip file path', undefined)
    .addHelpText(
      'after',
      `
Default output: ./build/{name}-{version}.zip (relative to the current directory).
Skipped like elastic-package does: _dev/, build/, .git/ directories and .DS_Store, .*.swp, *.link files.
Every entry gets the same timestamp (1980-01-01) and mode, so building twice gives identical bytes.

Example:
  package-storage build packages/nginx --out dist/
  # file     dist/nginx-1.20.0.zip
  # name     nginx
  # version  1.20.0
  # size     123456
  # sha256   9f86d081884c7d65...`,
    )
    .action(
      action(async (dir: string, opts: { out?: string }) => {
        const r = await buildZip(dir, opts.out);
        process.stdout.write(`file     ${r.file}\nname     ${r.name}\nversion  ${r.version}\nsize     ${r.size}\nsha256   ${r.sha256}\n`);
      }),
    );
}
