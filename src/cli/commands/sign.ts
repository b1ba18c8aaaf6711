import type { Command } from 'commander';
import { notBuilt } from '../util.js';

export function register(program: Command): void {
  notBuilt(program.command('sign').description('sign a zip: writes an ASCII-armored detached OpenPGP signature').argument('<zip>'), 'issue 4');
}
