import type { Command } from 'commander';
import { notBuilt } from '../util.js';

export function register(program: Command): void {
  notBuilt(program.command('serve').description('run the registry server (Elastic Package Registry API) over the store').option('--storage <url>', 'store: path, file:// or s3:// URL').option('--host <addr>').option('--port <n>'), 'issue 6');
}
