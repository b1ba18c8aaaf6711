import type { Command } from 'commander';
import { notBuilt } from '../util.js';

export function register(program: Command): void {
  notBuilt(program.command('index').description('build a new index revision from the published package documents').option('--storage <url>'), 'issue 5');
}
