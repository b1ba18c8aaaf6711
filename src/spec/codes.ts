/**
 * Stable codes carried by `ValidationIssue.code`. Elastic's own codes (package-spec `pkg/specerrors`) are kept
 * as they are; every other issue gets one of our `SPEC_*` codes (Elastic's uncoded errors). Both lists are
 * part of the public contract: add, never rename.
 */
export const ELASTIC_CODES = {
  JSE00001: 'rename "message" to "event.original" processor requires remove "message" / ignore_missing: false',
  PSR00001: 'prerelease spec version used in a GA package',
  PSR00002: 'beta spec feature used in a non-GA package',
  SVR00001: 'dashboard query without filter',
  SVR00002: 'dashboard without filter',
  SVR00003: 'dangling saved object reference',
  SVR00004: 'visualization used by reference',
  SVR00005: 'minimum Kibana version',
  SVR00006: 'ingest pipeline processor tag',
  SVR00007: 'duplicate Kibana tag',
  SVR00008: 'pipeline on_failure must set event.kind',
  SVR00009: 'pipeline on_failure must set error.message',
  SVR00010: 'repeated input type needs a name',
} as const;

export const SPEC_CODES = {
  SPEC_UNREADABLE: 'the package could not be opened or read',
  SPEC_MANIFEST: 'root manifest missing or unusable (no type/version/format_version)',
  SPEC_VERSION: 'format_version is not a supported package-spec version',
  SPEC_TYPE: 'package type is not supported',
  SPEC_MISSING_FILE: 'a required file or folder is missing',
  SPEC_NOT_ALLOWED: 'a file or folder is not allowed at this place',
  SPEC_LIMIT: 'a size or count limit is exceeded',
  SPEC_YAML: 'a YAML/JSON file does not parse, or lacks the leading ---',
  SPEC_SCHEMA: 'a file does not match its schema',
  SPEC_CHANGELOG: 'changelog/version integrity or prerelease rule',
  SPEC_FIELDS: 'field definitions rule (required, duplicate, dimension, date, group, external, limits)',
  SPEC_KIBANA: 'Kibana saved objects rule (ids, legacy visualizations, capabilities)',
  SPEC_DATA_STREAM: 'data stream rule (ILM, routing rules, profiles, template paths)',
  SPEC_VARS: 'variables rule (required vars, var groups, sections, durations, reserved vars)',
  SPEC_POLICY: 'policy template / input rule (deployment modes, otel, references, deprecation, categories)',
  SPEC_TEMPLATE: 'handlebars template does not parse',
  SPEC_PIPELINE: 'ingest pipeline rule (duplicate processor tags)',
  SPEC_CONDITIONS: 'conditions (agent version constraint) rule',
  SPEC_TEST_CONFIG: '_dev test configuration rule',
  SPEC_DOCS: 'docs structure rule',
  SPEC_BUILD: 'built-package rule (build mode)',
  SPEC_LEGACY: 'our legacy (re-publish) mode check failed',
  SPEC_INTERNAL: 'a validation rule failed unexpectedly (the package is refused; please report)',
  SPEC_MODE: 'warning: source/build validation modes are a technical preview',
} as const;

