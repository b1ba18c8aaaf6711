// Loaded on demand (the Changelog tab): the YAML parser stays out of the main bundle.
import { parse } from 'yaml';
import { normalizeChangelog, type ChangelogVersion } from './api.js';

export function parseChangelog(text: string): ChangelogVersion[] {
  // maxAliasCount bounds alias expansion (a hostile file cannot blow up the tab); uniqueKeys off: be lenient.
  return normalizeChangelog(parse(text, { maxAliasCount: 100, uniqueKeys: false }));
}
