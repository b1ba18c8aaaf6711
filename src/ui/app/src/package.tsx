import { Fragment } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  compareVersions, getJson, getText, integrityUrl, packageUrl, prereleaseTag, versionsUrl,
  type Conditions, type Integrity, type PackageDoc, type SearchItem,
} from './api.js';
import { ErrorBox, Loading, PackageIcon, PageHeading, ReleaseBadge } from './common.js';
import { useAsync } from './hooks.js';
import { galleryHref, packageHref } from './router.js';

const VERSIONS_SHOWN = 20;

/** The version to show when the URL names none: the newest without a prerelease tag, else the newest. */
export function defaultVersion(versions: SearchItem[]): string | undefined {
  const sorted = [...versions].sort((a, b) => compareVersions(b.version, a.version));
  return (sorted.find((v) => prereleaseTag(v.version) === undefined && v.release !== 'experimental') ?? sorted[0])?.version;
}

export function PackagePage({ name, version }: { name: string; version?: string }) {
  const vUrl = versionsUrl(name);
  const versions = useAsync<SearchItem[]>(vUrl, (s) => getJson<SearchItem[]>(vUrl, s));
  const chosen = version ?? (versions.state === 'ok' ? defaultVersion(versions.value) : undefined);

  const pUrl = chosen ? packageUrl(name, chosen) : null;
  const doc = useAsync<PackageDoc>(pUrl, (s) => getJson<PackageDoc>(pUrl!, s));

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
            {p.deprecated && <span class="badge badge-deprecated">Deprecated</span>}
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
          <Screenshots doc={p} />
          <Readme doc={p} />
          <PolicyTemplates doc={p} />
          <DataStreams doc={p} />
        </div>
        <aside class="pkg-side" aria-label="Package details">
          <Download doc={p} />
          <Details doc={p} />
          <Versions name={p.name} current={p.version} versions={versions.state === 'ok' ? versions.value : undefined} />
        </aside>
      </div>
    </article>
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
      <div class="table-wrap" tabIndex={0} role="region" aria-labelledby="ds-heading">
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
  return (
    <section class="panel" aria-labelledby="details-heading">
      <h2 id="details-heading">Details</h2>
      <dl class="facts">
        <dt>Version</dt>
        <dd>{doc.version}</dd>
        <dt>Type</dt>
        <dd>{doc.type}</dd>
        {owner && (
          <>
            <dt>Owner</dt>
            <dd>
              {owner}
              {doc.owner?.type ? ` (${doc.owner.type})` : ''}
            </dd>
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

function Versions({ name, current, versions }: { name: string; current: string; versions?: SearchItem[] }) {
  const [all, setAll] = useState(false);
  const sorted = useMemo(() => (versions ? [...versions].sort((a, b) => compareVersions(b.version, a.version)) : []), [versions]);
  if (!versions) return null;
  const list = all ? sorted : sorted.slice(0, VERSIONS_SHOWN);
  return (
    <section class="panel" aria-labelledby="versions-heading">
      <h2 id="versions-heading">Versions ({sorted.length})</h2>
      <p class="meta">Publication dates are not part of the registry API.</p>
      <table class="versions">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Release</th>
            <th scope="col">Kibana</th>
          </tr>
        </thead>
        <tbody>
          {list.map((v) => (
            <tr key={v.version} class={v.version === current ? 'current' : undefined}>
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
            </tr>
          ))}
        </tbody>
      </table>
      {sorted.length > VERSIONS_SHOWN && (
        <button type="button" class="button" onClick={() => setAll(!all)} aria-expanded={all}>
          {all ? 'Show fewer versions' : `Show all ${sorted.length} versions`}
        </button>
      )}
    </section>
  );
}
