/**
 * Kibana visualizations as Elastic's `kbncontent` library describes them (re-derived from its behaviour):
 * a dashboard's by-value panels, a visualization's editor and type, whether it is legacy, whether it can use
 * and has a filter.
 */
import { isObj, type Obj } from './util.js';

/** Value at a dotted path (`a.b.c`) of nested maps, or undefined. */
function at(doc: unknown, dotted: string): unknown {
  let cur: unknown = doc;
  for (const p of dotted.split('.')) {
    if (!isObj(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

function setAt(doc: Obj, dotted: string, v: unknown): void {
  const parts = dotted.split('.');
  let cur: Obj = doc;
  for (const p of parts.slice(0, -1)) {
    if (!isObj(cur[p])) return;
    cur = cur[p] as Obj;
  }
  cur[parts[parts.length - 1]!] = v;
}

const firstString = (doc: unknown, paths: string[]): string => {
  for (const p of paths) {
    const v = at(doc, p);
    if (typeof v === 'string' && v !== '') return v;
  }
  return '';
};

/** A non-empty list of maps (objx `IsObjxMapSlice` with a length). */
const nonEmptyMaps = (v: unknown): boolean => Array.isArray(v) && v.length > 0 && v.every(isObj);

const OBJECT_JSON_PATHS = ['attributes.kibanaSavedObjectMeta.searchSourceJSON', 'attributes.mapStateJSON', 'attributes.uiStateJSON', 'attributes.visState', 'embeddableConfig.attributes.kibanaSavedObjectMeta.searchSourceJSON', 'embeddableConfig.attributes.mapStateJSON', 'embeddableConfig.attributes.uiStateJSON', 'embeddableConfig.attributes.visState'];
const SLICE_JSON_PATHS = ['attributes.layerListJSON', 'embeddableConfig.attributes.layerListJSON'];

/** A deep copy of a saved object / panel with its JSON-encoded sub-documents decoded; throws like kbncontent on bad JSON. */
function decodeSubPaths(doc: Obj): Obj {
  const out = structuredClone(doc);
  for (const [paths, wantArray] of [[OBJECT_JSON_PATHS, false], [SLICE_JSON_PATHS, true]] as const) {
    for (const p of paths) {
      const v = at(out, p);
      if (typeof v !== 'string') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(v);
      } catch (e) {
        throw new Error(`failed to decode embedded json in "${p}": ${(e as Error).message}`, { cause: e });
      }
      if (wantArray ? !Array.isArray(parsed) : !isObj(parsed)) throw new Error(`failed to decode embedded json in "${p}": unexpected JSON type`);
      setAt(out, p, parsed);
    }
  }
  return out;
}

export class Visualization {
  constructor(
    readonly doc: Obj,
    readonly savedObjectType: string,
  ) {}

  get type(): string {
    if (this.savedObjectType !== 'visualization') return '';
    return firstString(this.doc, ['attributes.type', 'attributes.visState.type', 'embeddableConfig.savedVis.type']);
  }

  get isTSVB(): boolean {
    return this.type === 'metrics';
  }

  get tsvbType(): string {
    return this.isTSVB ? firstString(this.doc, ['attributes.visState.params.type', 'embeddableConfig.savedVis.params.type']) : '';
  }

  get editor(): string {
    switch (this.savedObjectType) {
      case 'lens':
        return 'Lens';
      case 'map':
        return 'Maps';
      case 'search':
        return 'Discover';
      case 'visualization':
        return this.type === 'metrics' ? 'TSVB' : this.type === 'vega' ? 'Vega' : this.type === 'timelion' ? 'Timelion' : 'Aggs-based';
      default:
        return '';
    }
  }

  get isLegacy(): boolean {
    if (this.savedObjectType !== 'visualization') return false;
    if (this.isTSVB) return this.tsvbType !== 'markdown';
    return !['markdown', 'vega', 'input_control_vis'].includes(this.type);
  }

  get semanticType(): string {
    return this.isTSVB ? this.tsvbType : this.type;
  }

  get title(): string {
    return firstString(this.doc, ['attributes.title', 'title', 'embeddableConfig.savedVis.title']);
  }

  get canUseFilter(): boolean {
    if (this.savedObjectType === 'search') return false;
    return !(this.savedObjectType === 'visualization' && this.type === 'markdown');
  }

  /** Throws on undecodable embedded JSON, as kbncontent. */
  hasFilters(): boolean {
    const d = decodeSubPaths(this.doc);
    const queries = ['attributes.kibanaSavedObjectMeta.searchSourceJSON.query.query', 'attributes.state.query.query', 'embeddableConfig.attributes.mapStateJSON.query.query', 'embeddableConfig.attributes.state.query.query', 'embeddableConfig.savedVis.data.searchSource.query.query'];
    if (queries.some((p) => { const v = at(d, p); return typeof v === 'string' && v !== ''; })) return true;
    const filters = ['attributes.state.filters', 'embeddableConfig.attributes.state.filters', 'embeddableConfig.attributes.mapStateJSON.filters', 'embeddableConfig.savedVis.data.searchSource.filter', 'attributes.kibanaSavedObjectMeta.searchSourceJSON.filter'];
    return filters.some((p) => nonEmptyMaps(at(d, p)));
  }
}

/** A visualization saved object (file of `kibana/visualization`); throws like kbncontent. */
export function describeSavedObject(doc: Obj): Visualization {
  let d: Obj;
  try {
    d = decodeSubPaths(doc);
  } catch (e) {
    throw new Error(`failed to deserialize embedded JSON objects: ${(e as Error).message}`, { cause: e });
  }
  if (typeof d.type !== 'string') throw new Error('`type` in visualization is not present or is not a string');
  return new Visualization(d, d.type);
}

/** The by-value panels of a dashboard (visualization with `savedVis`, lens / map with `attributes`); throws like kbncontent. */
export function byValuePanels(dashboard: unknown): Visualization[] {
  if (!isObj(dashboard)) throw new Error(`dashboard of unexpected type ${typeof dashboard}`);
  const pj = at(dashboard, 'attributes.panelsJSON');
  let panels: unknown[];
  if (typeof pj === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(pj);
    } catch (e) {
      throw new Error(`failed to parse panels JSON: ${(e as Error).message}`, { cause: e });
    }
    if (!Array.isArray(parsed) || !parsed.every(isObj)) throw new Error('failed to parse panels JSON: not a list of objects');
    panels = parsed;
  } else if (Array.isArray(pj) && pj.every(isObj)) panels = pj;
  else throw new Error('panelsJSON is of unexpected type <nil>. Expected string or map[string]interface{}');
  const out: Visualization[] = [];
  for (const p of panels as Obj[]) {
    if (typeof p.type !== 'string') continue;
    const has = (path: string): boolean => { const v = at(p, path); return v !== undefined && v !== null; };
    if ((p.type === 'visualization' && has('embeddableConfig.savedVis')) || ((p.type === 'lens' || p.type === 'map') && has('embeddableConfig.attributes'))) out.push(new Visualization(p, p.type));
  }
  return out;
}

/** The dashboard's title (`attributes.title`, '' when not a string). */
export function dashboardTitle(d: Obj): string {
  const t = at(d, 'attributes.title');
  return typeof t === 'string' ? t : '';
}

/** The dashboard's own search source: an error text (no filter), or undefined when it filters. */
export function dashboardFilterError(d: Obj): { msg: string; queryNoFilter: boolean } | undefined {
  const meta = at(d, 'attributes.kibanaSavedObjectMeta');
  if (!isObj(meta) || !('searchSourceJSON' in meta)) return { msg: 'unable to find search definition: unknown key searchSourceJSON', queryNoFilter: false };
  let ss: unknown = meta.searchSourceJSON;
  if (typeof ss === 'string') {
    try {
      ss = JSON.parse(ss);
    } catch (e) {
      return { msg: `unable to decode embedded search definition: ${(e as Error).message}`, queryNoFilter: false };
    }
  } else if (!isObj(ss)) return { msg: `unexpected type for search source JSON: ${ss === null ? '<nil>' : typeof ss}`, queryNoFilter: false };
  const o = isObj(ss) ? ss : {};
  if (o.filter !== undefined && o.filter !== null && !Array.isArray(o.filter)) return { msg: 'unable to decode search definition: filter is not a list', queryNoFilter: false };
  if (Array.isArray(o.filter) && o.filter.length > 0) return undefined;
  const q = at(o, 'query.query');
  if (typeof q === 'string' && q.length > 0) return { msg: 'saved query found, but no filter', queryNoFilter: true };
  return { msg: 'no filter found', queryNoFilter: false };
}
