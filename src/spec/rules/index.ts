/**
 * The semantic rules of package-spec, one module each, in the order of spec.go's rule table, and the runner
 * that filters them by format version, package type and validator mode.
 */
import semver from 'semver';
import type { Ctx, ValidationIssue } from '../context.js';
import { ELASTIC_CODES } from '../codes.js';
import type { PackageType, Rule } from './types.js';
import { isObj } from './util.js';
import { rule as versionIntegrity } from './version-integrity.js';
import { rule as changelogLinks } from './changelog-links.js';
import { rule as prerelease } from './prerelease.js';
import { rule as minimumKibanaVersion } from './minimum-kibana-version.js';
import { rule as fieldGroups } from './field-groups.js';
import { rule as fieldsLimits } from './fields-limits.js';
import { rule as uniqueFields } from './unique-fields.js';
import { rule as dimensionFields } from './dimension-fields.js';
import { rule as dateFields } from './date-fields.js';
import { rule as requiredFields } from './required-fields.js';
import { rule as externalFieldsWithDevFolder } from './external-fields-with-dev-folder.js';
import { rule as visualizationsByValue } from './visualizations-by-value.js';
import { rule as ilmPolicyPresent } from './ilm-policy-present.js';
import { rule as profilesNonGA } from './profiles-non-ga.js';
import { rule as kibanaObjectIds } from './kibana-object-ids.js';
import { rule as routingRulesDataset } from './routing-rules-dataset.js';
import { rule as noDanglingObjectIds } from './no-dangling-object-ids.js';
import { rule as kibanaFilterPresent } from './kibana-filter-present.js';
import { rule as noLegacyVisualizations } from './no-legacy-visualizations.js';
import { rule as dimensionsPresent } from './dimensions-present.js';
import { rule as capabilitiesRequired } from './capabilities-required.js';
import { rule as requiredVarGroups } from './required-var-groups.js';
import { rule as varGroups } from './var-groups.js';
import { rule as sections } from './sections.js';
import { rule as docsStructure } from './docs-structure.js';
import { rule as deploymentModes } from './deployment-modes.js';
import { rule as durationVariables } from './duration-variables.js';
import { rule as inputPolicyTemplates } from './input-policy-templates.js';
import { rule as inputDynamicSignalTypes } from './input-dynamic-signal-types.js';
import { rule as fleetReservedVars } from './fleet-reserved-vars.js';
import { rule as minimumAgentVersion } from './minimum-agent-version.js';
import { rule as integrationPolicyTemplates } from './integration-policy-templates.js';
import { rule as policyTemplateDataStreamCategories } from './policy-template-data-stream-categories.js';
import { rule as dataStreamPackageCategories } from './data-stream-package-categories.js';
import { rule as pipelineTags } from './pipeline-tags.js';
import { rule as staticHandlebars } from './static-handlebars.js';
import { rule as kibanaTagDuplicates } from './kibana-tag-duplicates.js';
import { rule as pipelineOnFailure } from './pipeline-on-failure.js';
import { rule as integrationInputsDeprecated } from './integration-inputs-deprecated.js';
import { rule as integrationInputQualifier } from './integration-input-qualifier.js';
import { rule as deprecatedReplacedBy } from './deprecated-replaced-by.js';
import { rule as packageReferences } from './package-references.js';
import { rule as testPackageRequirements } from './test-package-requirements.js';
import { rule as noEmbeddedEcs } from './no-embedded-ecs.js';
import { rule as noExternalFields } from './no-external-fields.js';
import { rule as streamInputBundled } from './stream-input-bundled.js';

export type { Rule,   } from './types.js';
export { prereleaseSpecIssue,  } from './psr.js';

/**
 * Every semantic rule, in the order Elastic's validator runs them (the 46 of the reference list). JSE00001 is
 * not among them: it is a rule of the ingest pipeline schema (engine/, since 3.1.0).
 */
export const RULES: readonly Rule[] = [
  versionIntegrity,
  changelogLinks,
  prerelease,
  minimumKibanaVersion,
  fieldGroups,
  fieldsLimits,
  uniqueFields,
  dimensionFields,
  dateFields,
  requiredFields,
  externalFieldsWithDevFolder,
  visualizationsByValue,
  ilmPolicyPresent,
  profilesNonGA,
  kibanaObjectIds,
  routingRulesDataset,
  noDanglingObjectIds,
  kibanaFilterPresent,
  noLegacyVisualizations,
  dimensionsPresent,
  capabilitiesRequired,
  requiredVarGroups,
  varGroups,
  sections,
  docsStructure,
  deploymentModes,
  durationVariables,
  inputPolicyTemplates,
  inputDynamicSignalTypes,
  fleetReservedVars,
  minimumAgentVersion,
  integrationPolicyTemplates,
  policyTemplateDataStreamCategories,
  dataStreamPackageCategories,
  pipelineTags,
  staticHandlebars,
  kibanaTagDuplicates,
  pipelineOnFailure,
  integrationInputsDeprecated,
  integrationInputQualifier,
  deprecatedReplacedBy,
  packageReferences,
  testPackageRequirements,
  noEmbeddedEcs,
  noExternalFields,
  streamInputBundled,
];

export interface RunOptions {
  /** Rule ids to leave out. */
  skip?: readonly string[];
}

/** Does this rule run for the context's format version, package type and mode (spec.go's filter)? */
export function ruleApplies(r: Rule, version: string, type: string, mode: Ctx['mode']): boolean {
  if (r.since && semver.lt(version, r.since)) return false;
  if (r.until && !semver.lt(version, r.until)) return false;
  if (r.types && !r.types.includes(type as PackageType)) return false;
  if (r.modes && !r.modes.includes(mode)) return false;
  return true;
}

/** The rules that run for a context, in order. */
export function applicableRules(ctx: Ctx, opts: RunOptions = {}): Rule[] {
  return RULES.filter((r) => !opts.skip?.includes(r.id) && ruleApplies(r, ctx.version.v, ctx.type, ctx.mode));
}

const isElasticCode = (c: string): boolean => c in ELASTIC_CODES;

/**
 * Run the semantic rules that apply, pushing their issues onto `ctx.errors` / `ctx.warnings`. Coded errors of a
 * rule with `warnBefore` are warnings below that version unless `ctx.warningsAsErrors` (Go `WarnOn`). A rule
 * that throws becomes one `SPEC_INTERNAL` error (the package is refused, never silently accepted).
 * Returns the errors added.
 */
export async function runSemanticRules(ctx: Ctx, opts: RunOptions = {}): Promise<ValidationIssue[]> {
  const start = ctx.errors.length;
  for (const r of applicableRules(ctx, opts)) {
    const before = ctx.errors.length;
    try {
      await r.check(ctx);
    } catch (e) {
      ctx.errors.length = before;
      ctx.error('SPEC_INTERNAL', `rule ${r.id} failed: ${(e as Error).message}`);
      continue;
    }
    if (r.warnBefore && ctx.version.lt(r.warnBefore) && !ctx.warningsAsErrors) {
      const added = ctx.errors.splice(before);
      for (const i of added) (isElasticCode(i.code) ? ctx.warnings : ctx.errors).push(i);
    }
  }
  return ctx.errors.slice(start);
}

/** The codes listed in the package's `validation.yml` `errors.exclude_checks`. */
async function excludedChecks(ctx: Ctx): Promise<Set<string>> {
  if (!ctx.hasFile('validation.yml')) return new Set();
  const vy = await ctx.value('validation.yml');
  const ex = isObj(vy) && isObj(vy.errors) ? vy.errors.exclude_checks : undefined;
  return new Set(Array.isArray(ex) ? ex.map(String) : []);
}

/**
 * Drop every error whose code `validation.yml` excludes. Only Elastic's codes can be excluded; our `SPEC_*`
 * codes stand for Elastic's uncoded errors, which no exclusion removes. Returns the dropped errors.
 */
export async function applyValidationYmlExclusions(ctx: Ctx): Promise<ValidationIssue[]> {
  const ex = await excludedChecks(ctx);
  if (!ex.size) return [];
  const keep = ctx.errors.filter((e) => !(isElasticCode(e.code) && ex.has(e.code)));
  const dropped = ctx.errors.filter((e) => !keep.includes(e));
  ctx.errors.length = 0;
  ctx.errors.push(...keep);
  return dropped;
}
