/**
 * PackageReferences (>= 3.6.0): inputs and streams with `package:` name an input package of `requires.input`
 * (not a content package); `requires.input[].version` is an exact version, not a constraint.
 */
import semver from 'semver';
import type { Rule } from './types.js';
import { asObjs, isObj, dataStreams } from './util.js';

export const rule: Rule = {
  id: 'package-references',
  since: '3.6.0',
  types: ['integration'],
  async check(ctx) {
    const m = ctx.manifest;
    const req = isObj(m.requires) ? m.requires : {};
    const list = (v: unknown): { name: string; version: string }[] =>
      asObjs(v).filter((p) => typeof p.package === 'string').map((p) => ({ name: p.package as string, version: typeof p.version === 'string' ? p.version : '' }));
    const inputs = list(req.input);
    const contents = list(req.content);
    const check = (file: string, full: string, where: string, name: string, notListed: string): void => {
      if (contents.some((p) => p.name === name)) ctx.error('SPEC_POLICY', `file "${full}" is invalid: ${where} references package "${name}" which is a content package, only input packages allowed`, file);
      else if (!inputs.some((p) => p.name === name)) ctx.error('SPEC_POLICY', `file "${full}" is invalid: ${where} references package "${name}" which is ${notListed}`, file);
    };
    asArrObjs(m.policy_templates).forEach((pt, i) => {
      asArrObjs(pt.inputs).forEach((inp, j) => {
        if (typeof inp.package === 'string' && inp.package) check('manifest.yml', ctx.filePath('manifest.yml'), `policy_templates[${i}].inputs[${j}]`, inp.package, 'not listed in requires section');
      });
    });
    for (const ds of dataStreams(ctx)) {
      const file = `data_stream/${ds}/manifest.yml`;
      const dm = await ctx.value(file);
      if (!isObj(dm)) continue;
      // Go prints this file's path relative to the package (pkgpath.File.Path()).
      asObjs(dm.streams).forEach((s, i) => {
        if (typeof s.package === 'string' && s.package) check(file, file, `streams[${i}]`, s.package, 'not listed in manifest requires section');
      });
    }
    inputs.forEach((p, i) => {
      if (p.version && !semver.valid(p.version.replace(/^v/, ''))) {
        ctx.fileError('SPEC_POLICY', 'manifest.yml', `field requires.input.${i}.version: version "${p.version}" for package "${p.name}" must be a valid semantic version, constraints are not allowed`);
      }
    });
  },
};

function asArrObjs(v: unknown) {
  return Array.isArray(v) ? v.map((x) => (isObj(x) ? x : {})) : [];
}
