import type { Command } from 'commander';
import { notBuilt } from '../util.js';

export function register(program: Command): void {
  notBuilt(program.command('build').description('build a package folder into {name}-{version}.zip').argument('<dir>').option('--out <dir|file>'), 'issue 3');
}
