import type { Command } from 'commander';
import { notBuilt } from '../util.js';

export function register(program: Command): void {
  notBuilt(program.command('verify').description('verify the signature of a zip against trusted public keys').argument('<zip>'), 'issue 4');
}
