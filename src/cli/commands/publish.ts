import type { Command } from 'commander';
import { notBuilt } from '../util.js';

export function register(program: Command): void {
  notBuilt(program.command('publish').description('validate, verify and publish packages (zips or folders) into the store').argument('<zip|dir...>'), 'issue 5');
}
