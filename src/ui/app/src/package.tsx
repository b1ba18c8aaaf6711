import { Fragment, type ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  compareVersions, getJson, getText, HttpError, integrityUrl, linkLabel, ownerLabel, ownerTypeOf, packageUrl, prereleaseTag,
  publishedUrl, shortDate, timeAgo, versionsUrl,
  type ChangelogVersion, type Conditions, type Integrity, type PackageDoc, type PublishedVersions, type SearchItem,
} from './api.js';
import { ErrorBox, Loading, OwnerBadge, PackageIcon, PageHeading, ReleaseBadge } from './common.js';
import { useAsync } from './hooks.js';
import { galleryHref, navigate, packageHref } from './router.js';

const VERSIONS_SHOWN = 20;

/** The version to show when the URL names none: the newest without a prerelease tag, else the newest. */
function defaultVersion(versions: SearchItem[]): string | undefined {
  const sorted = [...versions].sort((a, b) => compareVersions(b.version, a.version));
  return (sorted.find((v) => prereleaseTag(v.version) === undefined && v.release !== 'experimental') ?? sorted[0])?.version;
}

const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'streams', label: 'Data streams & policy templates' },
  { id: 'changelog', label: 'Changelog' },
  { id: 'versions', label: 'Versions' },
] as const;
export type TabId = (typeof TABS)[number]['id'];
const tabOf = (s: string | null | undefined): TabId => TABS.find((t) => t.id === s)?.id ?? 'overview';

export function PackagePage({ name, version, tab }: { name: string; version?: string; tab?: string | null }) {
  const vUrl = versionsUrl(name);
  const versions = useAsync<SearchItem[]>(vUrl, (s) => getJson<SearchItem[]>(vUrl, s));
  const chosen = version ?? (versions.state === 'ok' ? defaultVersion(versions.value) : undefined);

  const pUrl = chosen ? packageUrl(name, chosen) : null;
  const doc = useAsync<PackageDoc>(pUrl, (s) => getJson<PackageDoc>(pUrl!, s));
  const tUrl = publishedUrl(name);
  const times = useAsync<PublishedVersions>(tUrl, (s) => getJson<PublishedVersions>(tUrl, s));
  const timeOf = useMemo(() => {
    const m = new Map<string, string>();
    if (times.state === 'ok') for (const v of times.value.versions) if (v.published) m.set(v.version, v.published);
    return m;
  }, [times]);

  useEffect(() => {
    if (doc.state === 'ok') document.title = `${doc.value.title ?? doc.value.name} ${doc.value.version} · Package Storage`;
  }, [doc]);

  if (!version && versions.state === 'ok' && versions.value.length === 0) {
    return <NotFoundPkg name={name} />;
  }
  if (versions.state === 'error' && !version) return <ErrorBox message={versions.error} />;
  if (doc.state === 'error') {
    return doc.status === 404 || doc.status === 400 ? <NotFoundPkg name={name} version={chosen} /> : <ErrorBox message={doc.error} />;
  }
  if (doc.state !== 'ok') return <Loading what="package" />;
  const p = doc.value;
  const owner = ownerTypeOf(p);
  const published = timeOf.get(p.version);
  const active = tabOf(tab);
  const versionCount = versions.state === 'ok' ? versions.value.length : undefined;
  const streamCount = (p.data_streams?.length ?? 0) + (p.policy_templates?.length ?? 0);

  return (
    <article class="package" aria-labelledby="main-heading">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href={galleryHref()}>Integrations</a> <span aria-hidden="true">/</span> <span>{p.title ?? p.name}</span>
      </nav>
      <header class="pkg-header">
        <PackageIcon icons={p.icons} title={p.title ?? p.name} size={64} />
        <div>
          <PageHeading>
            {p.title ?? p.name}
          </PageHeading>
          <p class="pkg-sub">
            <code>{p.name}</code> <span class="version">v{p.version}</span> <ReleaseBadge version={p.version} release={p.release} />
            {owner && <OwnerBadge type={owner} />}
            {p.deprecated && <span class="badge badge-deprecated">Deprecated</span>}
            {published && (
              <span class="meta" data-testid="published">
                Published <time dateTime={published} title={published}>{shortDate(published)}</time> ({timeAgo(published)})
              </span>
            )}
          </p>
          <p class="pkg-desc">{p.description}</p>
        </div>
      </header>
      {p.deprecated && (
        <div class="notice" role="note">
          <strong>Deprecated since {p.deprecated.since}.</strong> {p.deprecated.description}
        </div>
      )}
      <div class="pkg-layout">
        <div class="pkg-main">
          <Tabs
            active={active}
            counts={{ streams: streamCount, versions: versionCount }}
            hrefOf={(t) => tabHref(p.name, version, t)}
          >
            {active === 'overview' && (
              <>
                <Screenshots doc={p} />
                <Readme doc={p} />
              </>
            )}
            {active === 'streams' && (
              <>
                <PolicyTemplates doc={p} />
                <DataStreams doc={p} />
                {streamCount === 0 && <p class="empty">This package declares no policy templates or data streams.</p>}
              </>
            )}
            {active === 'changelog' && <Changelog doc={p} />}
            {active === 'versions' && (
              <Versions name={p.name} current={p.version} versions={versions.state === 'ok' ? versions.value : undefined} timeOf={timeOf} />
            )}
          </Tabs>
        </div>
        <aside class="pkg-side" aria-label="Package details">
          <Download doc={p} />
          <Details doc={p} />
        </aside>
      </div>
    </article>
  );
}

function tabHref(name: string, version: string | undefined, tab: TabId): string {
  const base = packageHref(name, version);
  return tab === 'overview' ? base : `${base}?tab=${tab}`;
}

/** WAI-ARIA tabs: arrow keys, Home and End move between tabs (automatic activation); the URL keeps the tab. */
function Tabs({ active, counts, hrefOf, children }: {
  active: TabId;
  counts: Partial<Record<TabId, number>>;
  hrefOf: (t: TabId) => string;
  children: ComponentChildren;
}) {
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  const select = (t: TabId, focus: boolean) => {
    navigate(hrefOf(t), { replace: true });
    if (focus) refs.current[t]?.focus();
  };
  const onKey = (e: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === active);
    let j = -1;
    if (e.key === 'ArrowRight') j = (i + 1) % TABS.length;
    else if (e.key === 'ArrowLeft') j = (i - 1 + TABS.length) % TABS.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = TABS.length - 1;
    if (j < 0) return;
    e.preventDefault();
    select(TABS[j]!.id, true);
  };
  return (
    <div class="tabs">
      <div role="tablist" aria-label="Package sections" class="tablist" onKeyDown={onKey}>
        {TABS.map((t) => (
          <button
            type="button"
            role="tab"
            key={t.id}
            id={`tab-${t.id}`}
            data-tab={t.id}
            aria-selected={t.id === active}
            aria-controls={`panel-${t.id}`}
            tabIndex={t.id === active ? 0 : -1}
            ref={(el) => {
              refs.current[t.id] = el;
            }}
            onClick={() => select(t.id, false)}
          >
            {t.label}
            {counts[t.id] !== undefined && counts[t.id]! > 0 && <span class="count">{counts[t.id]}</span>}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${active}`} aria-labelledby={`tab-${active}`} class="tabpanel" tabIndex={0}>
        {children}
      </div>
    </div>
  );
}

const CHANGE_LABELS: Record<string, string> = { enhancement: 'Enhancement', bugfix: 'Bug fix', 'breaking-change': 'Breaking change', other: 'Other' };

function Changelog({ doc }: { doc: PackageDoc }) {
  const url = `/package/${doc.name}/${encodeURIComponent(doc.version)}/changelog.yml`;
  const log = useAsync<ChangelogVersion[] | null>(`changelog:${url}`, async (s) => {
    try {
      const [text, { parseChangelog }] = await Promise.all([getText(url, s), import('./changelog.js')]);
      return parseChangelog(text);
    } catch (e) {
      if (e instanceof HttpError && e.status === 404) return null;
      throw e;
    }
  });
  return (
    <section aria-labelledby="changelog-heading">
      <h2 id="changelog-heading">Changelog</h2>
      {log.state === 'loading' && <Loading what="changelog" />}
      {log.state === 'error' && <ErrorBox message={`changelog.yml: ${log.error}`} />}
      {log.state === 'ok' && (log.value === null || log.value.length === 0) && <p class="empty">This package has no changelog.</p>}
      {log.state === 'ok' && log.value && log.value.length > 0 && (
        <ol class="changelog" data-testid="changelog">
          {log.value.map((v, i) => (
            <li key={`${v.version}-${i}`} class="changelog-version">
              <h3>
                {v.version}
                {v.version === doc.version && <span class="badge badge-current">This version</span>}
              </h3>
              <ul>
                {v.changes.map((c, k) => (
                  <li key={k}>
                    <span class={`badge change-${c.type}`}>{CHANGE_LABELS[c.type]}</span> <span class="change-desc">{c.description}</span>
                    {c.link && (
                      <>
                        {' '}
                        <a href={c.link} rel="noopener noreferrer nofollow" class="change-link">
                          {linkLabel(c.link)}
                        </a>
                      </>
                    )}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function NotFoundPkg({ name, version }: { name: string; version?: string }) {
  return (
    <div class="notfound">
      <PageHeading>
        Package not found
      </PageHeading>
      <p>
        There is no package <code>{name}</code>
        {version ? <> version <code>{version}</code></> : null} in this registry.
      </p>
      <p>
        <a href={galleryHref()}>Back to all integrations</a>
      </p>
    </div>
  );
}

function Readme({ doc }: { doc: PackageDoc }) {
  const url = doc.readme ?? null;
  const html = useAsync<string>(url, async (s) => {
    const [text, { renderReadme }] = await Promise.all([getText(url!, s), import('./markdown.js')]);
    return renderReadme(text, url!);
  });
  return (
    <section class="readme-section" aria-labelledby="readme-heading">
      <h2 id="readme-heading">Overview</h2>
      {!url && <p class="empty">This package has no README.</p>}
      {url && html.state === 'loading' && <Loading what="README" />}
      {url && html.state === 'error' && <ErrorBox message={`README: ${html.error}`} />}
      {url && html.state === 'ok' && <div class="readme" dangerouslySetInnerHTML={{ __html: html.value }} />}
    </section>
  );
}

function Screenshots({ doc }: { doc: PackageDoc }) {
  const shots = doc.screenshots ?? [];
  if (shots.length === 0) return null;
  return (
    <section aria-labelledby="shots-heading">
      <h2 id="shots-heading">Screenshots</h2>
      <ul class="shots">
        {shots.map((s) => (
          <li key={s.path}>
            <figure>
              <a href={s.path} target="_blank" rel="noopener">
                <img src={s.path} alt={s.title ?? `Screenshot of ${doc.title ?? doc.name}`} loading="lazy" decoding="async" />
              </a>
              {s.title && <figcaption>{s.title}</figcaption>}
            </figure>
          </li>
        ))}
      </ul>
    </section>
  );
}

function PolicyTemplates({ doc }: { doc: PackageDoc }) {
  const pts = doc.policy_templates ?? [];
  if (pts.length === 0) return null;
  return (
    <section aria-labelledby="pt-heading">
      <h2 id="pt-heading">Policy templates</h2>
      <ul class="plain-list">
        {pts.map((t) => {
          const inputs = [...new Set((t.inputs ?? []).map((i) => i.title ?? i.type).filter(Boolean))];
          return (
            <li key={t.name} class="item">
              <h3>
                {t.title} <code class="muted">{t.name}</code>
              </h3>
              <p>{t.description}</p>
              {inputs.length > 0 && <p class="meta">Inputs: {inputs.join(', ')}</p>}
              {t.input && <p class="meta">Input: {t.input}</p>}
              {t.categories && t.categories.length > 0 && <p class="meta">Categories: {t.categories.join(', ')}</p>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function DataStreams({ doc }: { doc: PackageDoc }) {
  const ds = doc.data_streams ?? [];
  if (ds.length === 0) return null;
  return (
    <section aria-labelledby="ds-heading">
      <h2 id="ds-heading">Data streams ({ds.length})</h2>
      <div class="table-wrap" tabIndex={0} role="region" aria-label="Data streams table">
        <table>
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Type</th>
              <th scope="col">Dataset</th>
              <th scope="col">Inputs</th>
            </tr>
          </thead>
          <tbody>
            {ds.map((d) => (
              <tr key={`${d.type}-${d.dataset ?? d.path}`}>
                <td>{d.title}</td>
                <td>{d.type}</td>
                <td>
                  <code>{d.dataset ?? ''}</code>
                </td>
                <td>{[...new Set((d.streams ?? []).map((s) => s.input).filter(Boolean))].join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function conditionRows(c?: Conditions): [string, string][] {
  const rows: [string, string][] = [];
  if (c?.kibana?.version) rows.push(['Kibana', c.kibana.version]);
  if (c?.agent?.version) rows.push(['Elastic Agent', c.agent.version]);
  if (c?.elastic?.subscription) rows.push(['Subscription', c.elastic.subscription]);
  if (c?.elastic?.capabilities?.length) rows.push(['Capabilities', c.elastic.capabilities.join(', ')]);
  return rows;
}

function Details({ doc }: { doc: PackageDoc }) {
  const cond = conditionRows(doc.conditions);
  const owner = doc.owner?.github;
  const ownerType = ownerTypeOf(doc);
  return (
    <section class="panel" aria-labelledby="details-heading">
      <h2 id="details-heading">Details</h2>
      <dl class="facts">
        <dt>Version</dt>
        <dd>{doc.version}</dd>
        <dt>Type</dt>
        <dd>{doc.type}</dd>
        {ownerType && (
          <>
            <dt>Owner type</dt>
            <dd data-testid="owner-type">{ownerLabel(ownerType)}</dd>
          </>
        )}
        {owner && (
          <>
            <dt>Owner</dt>
            <dd>{owner}</dd>
          </>
        )}
        {(doc.source?.license || doc.license) && (
          <>
            <dt>License</dt>
            <dd>{doc.source?.license ?? doc.license}</dd>
          </>
        )}
        {doc.format_version && (
          <>
            <dt>Spec version</dt>
            <dd>{doc.format_version}</dd>
          </>
        )}
        {doc.categories && doc.categories.length > 0 && (
          <>
            <dt>Categories</dt>
            <dd>
              <ul class="tags">
                {doc.categories.map((c) => (
                  <li key={c}>
                    <a href={galleryHref(new URLSearchParams({ category: c }))}>{c}</a>
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
      </dl>
      <h3>Requirements</h3>
      {cond.length === 0 ? (
        <p class="meta">No conditions: works with any Kibana and Agent version.</p>
      ) : (
        <dl class="facts">
          {cond.map(([k, v]) => (
            <Fragment key={k}>
              <dt>{k}</dt>
              <dd>
                <code>{v}</code>
              </dd>
            </Fragment>
          ))}
        </dl>
      )}
    </section>
  );
}

function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function Download({ doc }: { doc: PackageDoc }) {
  const iUrl = integrityUrl(doc.name, doc.version);
  const integ = useAsync<Integrity>(iUrl, (s) => getJson<Integrity>(iUrl, s));
  const origin = window.location.origin;
  const zip = fileName(doc.download);
  const sigPath = doc.signature_path;
  const cmd = useMemo(() => {
    const parts = [`curl -fSO ${shellQuote(origin + doc.download)}`];
    if (sigPath) parts[0] += ` -O ${shellQuote(origin + sigPath)}`;
    if (integ.state === 'ok') parts.push(`echo '${integ.value.sha256}  ${zip}' | sha256sum -c -`);
    if (sigPath) parts.push(`package-storage verify ${zip} --signature ${zip}.sig --keys <trusted-public-keys.asc>`);
    return parts.join(' \\\n  && ');
  }, [origin, doc.download, sigPath, integ]);
  const [copied, setCopied] = useState<'idle' | 'ok' | 'fail'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(cmd);
      setCopied('ok');
    } catch {
      // No clipboard permission (e.g. plain http): select the text so the user can copy it.
      const pre = document.getElementById('verify-cmd');
      if (pre) window.getSelection()?.selectAllChildren(pre);
      setCopied('fail');
    }
    window.setTimeout(() => setCopied('idle'), 2500);
  };

  return (
    <section class="panel" aria-labelledby="dl-heading">
      <h2 id="dl-heading">Download</h2>
      <ul class="dl-links">
        <li>
          <a class="button primary" href={doc.download} download={zip} data-testid="download-zip">
            Download {zip}
          </a>
        </li>
        {sigPath && (
          <li>
            <a class="button" href={sigPath} download={`${zip}.sig`} data-testid="download-sig">
              Signature (.sig)
            </a>
          </li>
        )}
      </ul>
      {integ.state === 'loading' && <Loading what="checksums" />}
      {integ.state === 'error' && <p class="meta">Checksum not available ({integ.error}).</p>}
      {integ.state === 'ok' && (
        <dl class="facts facts-stacked">
          <dt>SHA-256</dt>
          <dd>
            <code class="hash" data-testid="sha256">{integ.value.sha256}</code>
          </dd>
          <dt>Size</dt>
          <dd>{formatSize(integ.value.size)}</dd>
          <dt>Signing key</dt>
          <dd>
            {integ.value.signature ? (
              <>
                <code class="hash" data-testid="fingerprint">{integ.value.signature.fingerprint ?? integ.value.signature.keyId}</code>
                {integ.value.signature.created && <span class="meta"> signed {integ.value.signature.created.slice(0, 10)}</span>}
              </>
            ) : (
              'not signed'
            )}
          </dd>
        </dl>
      )}
      <h3 id="verify-heading">Download and verify</h3>
      <pre id="verify-cmd" class="cmd" tabIndex={0} aria-labelledby="verify-heading">
        <code>{cmd}</code>
      </pre>
      <button type="button" class="button" onClick={copy}>
        Copy command
      </button>
      <span class="copy-status" role="status" aria-live="polite">
        {copied === 'ok' ? 'Copied.' : copied === 'fail' ? 'Copy blocked: text selected, press Ctrl+C.' : ''}
      </span>
    </section>
  );
}

function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

function Versions({ name, current, versions, timeOf }: { name: string; current: string; versions?: SearchItem[]; timeOf: Map<string, string> }) {
  const [all, setAll] = useState(false);
  const sorted = useMemo(() => (versions ? [...versions].sort((a, b) => compareVersions(b.version, a.version)) : []), [versions]);
  if (!versions) return <Loading what="versions" />;
  const list = all ? sorted : sorted.slice(0, VERSIONS_SHOWN);
  const now = Date.now();
  return (
    <section aria-labelledby="versions-heading">
      <h2 id="versions-heading">Versions ({sorted.length})</h2>
      <div class="table-wrap">
        <table class="versions">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Release</th>
              <th scope="col">Kibana</th>
              <th scope="col">Published</th>
            </tr>
          </thead>
          <tbody>
            {list.map((v) => {
              const t = timeOf.get(v.version);
              return (
                <tr key={v.version} class={v.version === current ? 'current' : undefined} data-version={v.version}>
                  <td>
                    <a href={packageHref(name, v.version)} aria-current={v.version === current ? 'page' : undefined}>
                      {v.version}
                    </a>
                  </td>
                  <td>
                    <ReleaseBadge version={v.version} release={v.release} />
                  </td>
                  <td>
                    <code>{v.conditions?.kibana?.version ?? 'any'}</code>
                  </td>
                  <td>
                    {t ? (
                      <time dateTime={t} title={t}>
                        {shortDate(t)} <span class="meta">({timeAgo(t, now)})</span>
                      </time>
                    ) : (
                      <span class="meta">unknown</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {sorted.length > VERSIONS_SHOWN && (
        <button type="button" class="button" onClick={() => setAll(!all)} aria-expanded={all}>
          {all ? 'Show fewer versions' : `Show all ${sorted.length} versions`}
        </button>
      )}
    </section>
  );
}
