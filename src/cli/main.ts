#!/usr/bin/env node
/**
 * The `package-storage` command. Each subcommand lives in `commands/<name>.ts` and exports `register`.
 */
import { Command } from 'commander';
import { createRequire } from 'node:module';
import { describeEnvironment } from '../config.js';
import { reportError } from './util.js';

interface CommandModule {
  register(program: Command): void;
}
/** Each subcommand's module, loaded on demand: `index` must not pay for the server, the AWS SDK or openpgp. */
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  serve: () => import('./commands/serve.js'),
  publish: () => import('./commands/publish.js'),
  index: () => import('./commands/index.js'),
  build: () => import('./commands/build.js'),
  validate: () => import('./commands/validate.js'),
  sign: () => import('./commands/sign.js'),
  verify: () => import('./commands/verify.js'),
  keys: () => import('./commands/keys.js'),
  migrate: () => import('./commands/migrate.js'),
  gc: () => import('./commands/gc.js'),
  mirror: () => import('./commands/mirror.js'),
};

const require = createRequire(import.meta.url);
const pkg = require('../../package.json') as { version: string };

/**
 * The program with the given subcommands registered (all of them by default, as `--help` lists them). The
 * command line of one known subcommand loads only that one's module.
 */
export async function buildProgram(only?: string[]): Promise<Command> {
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
  const names = only ?? Object.keys(COMMANDS);
  const mods = await Promise.all(names.map((n) => COMMANDS[n]!()));
  for (const m of mods) m.register(program);
  return program;
}

const first = process.argv[2];
const program = await buildProgram(first !== undefined && Object.hasOwn(COMMANDS, first) ? [first] : undefined);
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
