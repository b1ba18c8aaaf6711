/**
 * package-spec's `processErrors` applied to the structure and schema errors: clearer wording for a few schema
 * messages, code JSE00001 for the `rename message → event.original` pipeline rule (expressed in the pipeline
 * schema), and the combinator wrapper messages dropped.
 */
import type { ValidationIssue } from '../context.js';

const RENAME = 'rename "message" to "event.original" processor requires';

const TRANSFORMS: { re: RegExp; to: string }[] = [
  { re: /Must not validate the schema \(not\)/, to: 'Must not be present' },
  { re: /secret is required/, to: 'variable identified as possible secret, secret parameter required to be set to true or false' },
  { re: /(field processors.[0-9]+.rename): if is required/, to: `%s: ${RENAME} if: 'ctx.event?.original == null'` },
  { re: /(field processors.[0-9]+): remove is required/, to: `%s: ${RENAME} remove "message" processor` },
  { re: /(processors.[0-9]+.remove.field(.[0-9]+)?): processors.[0-9]+.remove.field(.[0-9]+)? does not match: "message"/, to: `%s: ${RENAME} remove "message" processor` },
  { re: /(processors.[0-9]+.remove.if): processors.[0-9]+.remove.if does not match: "ctx\.event\?\.original != null"/, to: `%s: ${RENAME} remove "message" processor with if: 'ctx.event?.original != null'` },
  { re: /(field processors.[0-9]+.remove): (ignore_missing|if) is required/, to: `%s: ${RENAME} remove "message" processor with if: 'ctx.event?.original != null'` },
];

const REDUNDANT = [
  'Must validate "then" as "if" was valid',
  'Must validate "else" as "if" was not valid',
  'Must validate all the schemas (allOf)',
  'Must validate at least one schema (anyOf)',
  'Must validate one and only one schema (oneOf)',
  'At least one of the items must match',
];

/** The processed issue, or undefined when package-spec drops it. */
function processIssue(issue: ValidationIssue): ValidationIssue | undefined {
  let msg = issue.message;
  let code = issue.code;
  for (const t of TRANSFORMS) {
    const m = t.re.exec(msg);
    if (!m) continue;
    msg = msg.replace(m[0], m.length > 1 && m[1] !== undefined ? t.to.replace('%s', m[1]) : t.to);
  }
  if (msg.includes('rename "message" to "event.original" processor')) {
    code = 'JSE00001';
    msg = `${msg} (JSE00001)`;
  }
  if (REDUNDANT.some((r) => msg.includes(r))) return undefined;
  return { ...issue, code, message: msg };
}

/** Apply `processIssue` to `list[from..]` in place. */
export function processIssues(list: ValidationIssue[], from = 0): void {
  const out = list.slice(0, from);
  for (const e of list.slice(from)) {
    const p = processIssue(e);
    if (p) out.push(p);
  }
  list.length = 0;
  list.push(...out);
}
