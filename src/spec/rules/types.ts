/**
 * The shape of one semantic rule of package-spec (Go `internal/validator/semantic`, listed in spec.go's
 * rule table): its metadata (which format versions, package types and validator modes it runs for, which
 * codes it can report) and its check.
 */
import type { Ctx, Mode } from '../context.js';

export type PackageType = 'integration' | 'input' | 'content';

interface RuleMeta {
  /** Stable id (kebab-case), also the module's file name. */
  id: string;
  /** Runs when format_version >= since (spec.go `since`). */
  since?: string;
  /** Runs when format_version < until (spec.go `until`). */
  until?: string;
  /** Package types it runs for; all when absent. */
  types?: readonly PackageType[];
  /** Validator modes it runs in; all when absent. */
  modes?: readonly Mode[];
  /** Elastic codes it can report (SVR/PSR/JSE); uncoded errors get a SPEC_* code. */
  codes?: readonly string[];
  /**
   * Before this format version its coded errors are only warnings (Go `WarnOn`), unless warnings are errors.
   * Its uncoded errors stay errors.
   */
  warnBefore?: string;
}

export interface Rule extends RuleMeta {
  check(ctx: Ctx): Promise<void> | void;
}
