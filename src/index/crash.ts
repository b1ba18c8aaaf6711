/**
 * Test seam for crash tests: when PACKAGE_STORAGE_TEST_CRASH_AT names a step, the process kills itself with
 * SIGKILL when it reaches that step (no cleanup, no flushing: as close to a power cut as a test can get).
 * Steps: publish `validated`, `zip`, `sig`, `static-first`, `static`, `document`; indexer `index-all`,
 * `index-delta`, `cursor`. Unset in production: the check is one env lookup.
 */
export function crashPoint(step: string): void {
  const at = process.env.PACKAGE_STORAGE_TEST_CRASH_AT;
  if (at !== undefined && at === step) process.kill(process.pid, 'SIGKILL');
}
