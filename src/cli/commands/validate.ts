import type { Command } from 'commander';
import { notBuilt } from '../util.js';

export function register(program: Command): void {
  notBuilt(program.command('validate').description('validate packages against the package spec').argument('<zip|dir...>').option('--json').option('--legacy'), 'issue 3');
}
