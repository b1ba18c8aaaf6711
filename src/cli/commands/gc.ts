import type { Command } from 'commander';
import { notBuilt } from '../util.js';

export function register(program: Command): void {
  notBuilt(program.command('gc').description('remove artifacts of versions whose publish never completed').option('--dry-run'), 'issue 5');
}
