import type { Command } from 'commander';
import { notBuilt } from '../util.js';

export function register(program: Command): void {
  notBuilt(program.command('keys').description('manage OpenPGP signing keys (keys generate ...)'), 'issue 4');
}
