#!/usr/bin/env node
/**
 * The `package-storage` command. Each subcommand lives in `commands/<name>.ts` and exports `register`.
 */
import { Command } from 'commander';
import { createRequire } from 'node:module';
import { describeEnvironment } from '../config.js';
import { reportError } from './util.js';
import * as serve from './commands/serve.js';
import * as publish from './commands/publish.js';
import * as index from './commands/index.js';
import * as build from './commands/build.js';
import * as validate from './commands/validate.js';
import * as sign from './commands/sign.js';
import * as verify from './commands/verify.js';
import * as keys from './commands/keys.js';
import * as migrate from './commands/migrate.js';
import * as gc from './commands/gc.js';
import * as mirror from './commands/mirror.js';

const require = createRequire(import.meta.url);
const pkg = require('../../package.json') as { version: string };

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('package-storage')
    .description(
      'Package Storage v2: publish signed integration packages into a flat object store, index them, and ' +
        'serve them with an Elastic Package Registry compatible API.',
    )
    .version(pkg.version)
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `\nEnvironment (flags win over environment, environment over defaults):\n${describeEnvironment()}\n`);
  for (const m of [serve, publish, index, build, validate, sign, verify, keys, migrate, gc, mirror]) m.register(program);
  return program;
}

const program = buildProgram();
program.exitOverride((err) => {
  // commander's own usage errors (unknown option, missing argument) and --help/--version
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') process.exit(0);
  process.exit(2);
});
try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.exitCode = reportError(e);
}
