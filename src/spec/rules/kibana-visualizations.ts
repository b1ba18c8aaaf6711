/**
 * What we know of Kibana visualizations (Elastic's `kbncontent` library, re-derived): by-value dashboard
 * panels, legacy editors (TSVB, aggregation-based, Timelion) and whether a panel filters its data.
 */
import { asArr, asObjs, isObj, type Obj } from './util.js';

export interface LegacyVis {
  title: string;
  visType: string;
  editor: string;
}

export function parseMaybe(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

const AGG_BASED = ['area', 'heatmap', 'horizontal_bar', 'line', 'metric', 'pie', 'table', 'tagcloud', 'gauge', 'goal', 'histogram', 'region_map', 'tile_map', 'coordinate_map'];

/** The legacy editor of a visualization's state (`visState` as object or JSON string), if it is one. */
export function legacyVisState(attrs: unknown): LegacyVis | undefined {
  if (!isObj(attrs)) return undefined;
  const vs = parseMaybe(attrs.visState);
  if (!isObj(vs)) return undefined;
  const type = String(vs.type ?? '');
  const title = String(attrs.title ?? vs.title ?? '');
  if (type === 'metrics') {
    const params = isObj(vs.params) ? vs.params : {};
    const sub = String(params.type ?? 'timeseries');
    if (sub === 'markdown') return undefined; // TSVB markdown has no Lens replacement: not reported
    return { title, visType: sub, editor: 'TSVB' };
  }
  if (type === 'timelion') return { title, visType: 'timelion', editor: 'Timelion' };
  if (AGG_BASED.includes(type)) return { title, visType: type, editor: 'Aggs-based' };
  return undefined;
}

/** A dashboard's panels (`attributes.panelsJSON`, encoded or decoded). */
export function dashboardPanels(d: Obj): Obj[] {
  const attrs = isObj(d.attributes) ? d.attributes : {};
  return asObjs(parseMaybe(attrs.panelsJSON));
}

/** By-value panels: the visualization (legacy `savedVis` or Lens/Maps `attributes`) is embedded in the panel. */
export function byValuePanels(d: Obj): Obj[] {
  return dashboardPanels(d).filter((p) => isObj(p.embeddableConfig) && (isObj(p.embeddableConfig.attributes) || isObj(p.embeddableConfig.savedVis)));
}

export function legacyPanel(panel: Obj): LegacyVis | undefined {
  const ec = isObj(panel.embeddableConfig) ? panel.embeddableConfig : {};
  const sv = ec.savedVis;
  if (!isObj(sv)) return undefined;
  const r = legacyVisState({ visState: { type: sv.type, params: sv.params, title: sv.title }, title: sv.title ?? panel.title });
  if (r) r.title = String(panel.title ?? sv.title ?? '');
  return r;
}

const hasFilters = (v: unknown): boolean => Array.isArray(v) && v.length > 0;

function queryText(q: unknown): string {
  if (typeof q === 'string') return q.trim();
  if (isObj(q)) return typeof q.query === 'string' ? q.query.trim() : isObj(q.query) ? JSON.stringify(q.query) : '';
  return '';
}

/** Panels that cannot filter (markdown, input controls) are not asked to. */
export function panelCanUseFilter(p: Obj): boolean {
  const ec = p.embeddableConfig as Obj;
  const sv = isObj(ec.savedVis) ? ec.savedVis : undefined;
  return !(sv && (sv.type === 'markdown' || sv.type === 'input_control_vis'));
}

export function panelHasFilters(p: Obj): boolean {
  const ec = p.embeddableConfig as Obj;
  const sv = isObj(ec.savedVis) ? ec.savedVis : undefined;
  if (sv) {
    const data = isObj(sv.data) ? sv.data : {};
    const sso = isObj(data.searchSource) ? data.searchSource : {};
    if (hasFilters(sso.filter)) return true;
    const params = isObj(sv.params) ? sv.params : {};
    if (typeof params.filter === 'string' || isObj(params.filter)) return queryText(params.filter) !== '';
    return false;
  }
  const a = ec.attributes as Obj;
  const st = isObj(a.state) ? a.state : {};
  if (hasFilters(st.filters)) return true;
  const mss = isObj(a.kibanaSavedObjectMeta) ? parseMaybe(a.kibanaSavedObjectMeta.searchSourceJSON) : undefined;
  if (isObj(mss) && hasFilters(mss.filter)) return true;
  return a.mapStateJSON !== undefined || a.layerListJSON !== undefined; // maps carry their own layers
}

/** The dashboard's own search source: has a filter, has only a query, or has neither. */
export function dashboardSearch(d: Obj): { filter: boolean; query: boolean } | { error: string } {
  const attrs = isObj(d.attributes) ? d.attributes : undefined;
  const meta = attrs && isObj(attrs.kibanaSavedObjectMeta) ? attrs.kibanaSavedObjectMeta : undefined;
  if (!meta || !('searchSourceJSON' in meta)) return { error: 'unable to find search definition: unknown key searchSourceJSON' };
  const ss = parseMaybe(meta.searchSourceJSON);
  if (!isObj(ss)) return { error: typeof meta.searchSourceJSON === 'string' ? 'unable to decode embedded search definition' : 'unexpected type for search source JSON' };
  return { filter: asArr(ss.filter).length > 0, query: queryText(ss.query) !== '' };
}
