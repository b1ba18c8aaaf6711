import type { Command } from 'commander';
import { notBuilt } from '../util.js';

export function register(program: Command): void {
  notBuilt(program.command('migrate').description('import a v1 package-storage checkout (packages/<name>/<version>/)').argument('<v1-packages-dir>'), 'issue 5');
}
