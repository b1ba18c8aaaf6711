// "Connect Kibana" (issue 17 item 5): the kibana.yml settings that point Fleet at THIS registry.
import { useEffect, useState } from 'preact/hooks';
import { KEYS_URL, getJson, registryUrlOf, type SearchItem } from './api.js';
import { ErrorBox, Loading, PageHeading } from './common.js';
import { useAsync } from './hooks.js';
import { BASE } from './router.js';


const KEY_FILE = '/etc/kibana/package-storage-public-key.asc';

type Keys = { state: 'none' } | { state: 'some'; count: number };

async function loadKeys(signal: AbortSignal): Promise<Keys> {
  const r = await fetch(KEYS_URL, { signal });
  if (r.status === 404) return { state: 'none' };
  if (!r.ok) throw new Error(`${KEYS_URL}: ${r.status} ${r.statusText}`);
  const text = await r.text();
  return { state: 'some', count: (text.match(/-----BEGIN PGP PUBLIC KEY BLOCK-----/g) ?? []).length };
}

function CopyBlock({ id, label, text }: { id: string; label: string; text: string }) {
  const [status, setStatus] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setStatus('Copied.');
    } catch {
      const pre = document.getElementById(id);
      if (pre) window.getSelection()?.selectAllChildren(pre);
      setStatus('Copy blocked: text selected, press Ctrl+C.');
    }
    window.setTimeout(() => setStatus(''), 2500);
  };
  return (
    <div class="copy-block">
      <pre id={id} class="cmd" tabIndex={0} aria-label={label}>
        <code>{text}</code>
      </pre>
      <button type="button" class="button" onClick={copy}>
        Copy
      </button>
      <span class="copy-status" role="status" aria-live="polite">
        {status}
      </span>
    </div>
  );
}

export function ConnectKibana() {
  useEffect(() => {
    document.title = 'Connect Kibana · Package Storage';
  }, []);
  const url = registryUrlOf(window.location, BASE);
  const keys = useAsync<Keys>('connect:keys', loadKeys);
  const all = useAsync<SearchItem[]>('/search?prerelease=true', (s) => getJson<SearchItem[]>('/search?prerelease=true', s));
  const signed = all.state === 'ok' ? all.value.filter((p) => p.signature_path).length : undefined;
  const hasKeys = keys.state === 'ok' && keys.value.state === 'some';

  const basic = `xpack.fleet.registryUrl: "${url}"`;
  const withKey = `${basic}\nxpack.fleet.packageVerification.gpgKeyPath: "${KEY_FILE}"`;
  const airGapped = `${hasKeys ? withKey : basic}\nxpack.fleet.isAirGapped: true`;

  return (
    <div class="connect">
      <PageHeading>Connect Kibana</PageHeading>
      <p class="lead">
        Point Kibana Fleet at this registry: add these lines to <code>kibana.yml</code> and restart Kibana. Fleet then
        lists, installs and upgrades integrations from here instead of Elastic's public registry.
      </p>

      <section class="panel" aria-labelledby="c-url">
        <h2 id="c-url">1. The registry URL</h2>
        <p>
          This registry answers at <code data-testid="registry-url">{url}</code> (the address this page was loaded from).
          Kibana must reach that address too; if it sees the registry under another name, use that one.
        </p>
        <CopyBlock id="kibana-yml" label="kibana.yml: registry URL" text={basic} />
      </section>

      <section class="panel" aria-labelledby="c-keys">
        <h2 id="c-keys">2. Package signatures</h2>
        {keys.state === 'loading' && <Loading what="trusted keys" />}
        {keys.state === 'error' && <ErrorBox message={keys.error} />}
        {keys.state === 'ok' && keys.value.state === 'some' && (
          <>
            <p>
              Kibana checks each package's signature against one public key, Elastic's by default. Packages published
              here are signed with this registry's key{signed !== undefined && all.state === 'ok' ? ` (${signed} of ${all.value.length} packages carry a signature)` : ''},
              so give Kibana that key: download it to the Kibana host and name the file in <code>kibana.yml</code>.
            </p>
            <p>
              <a class="button primary" href={KEYS_URL} download="package-storage-public-key.asc" data-testid="key-download">
                Download the trusted public key{keys.value.count > 1 ? `s (${keys.value.count})` : ''}
              </a>
            </p>
            <CopyBlock id="key-cmd" label="Command: save the key on the Kibana host" text={`curl -fsSL ${url}${KEYS_URL} -o ${KEY_FILE}`} />
            <CopyBlock id="kibana-yml-signed" label="kibana.yml: registry URL and signing key" text={withKey} />
            <p class="meta">
              Without this setting, Kibana reports packages signed with a key other than Elastic's as unverified and asks
              before installing them.
            </p>
          </>
        )}
        {keys.state === 'ok' && keys.value.state === 'none' && (
          <p data-testid="no-keys">
            This registry has no trusted public key configured (start it with <code>--trusted-keys</code>), so it cannot
            tell Kibana which key signs its packages. Kibana verifies signatures against Elastic's key by default: packages
            signed with another key, or not signed, show as unverified.
          </p>
        )}
      </section>

      <section class="panel" aria-labelledby="c-air">
        <h2 id="c-air">3. Air-gapped Kibana</h2>
        <p>
          Where Kibana has no Internet access, also set <code>xpack.fleet.isAirGapped: true</code>: Kibana then stops
          trying to reach Elastic's online services and works from this registry alone.
        </p>
        <CopyBlock id="kibana-yml-airgapped" label="kibana.yml: air-gapped" text={airGapped} />
        <ul>
          <li>Publish every integration your agents need here first, including the ones Fleet installs itself (such as <code>fleet_server</code>, <code>system</code>, <code>elastic_agent</code>).</li>
          <li>Elastic Agent downloads its own binaries for upgrades: set an agent binary download source you host, in Fleet's settings.</li>
          <li>Keep Kibana's version within the packages' Kibana conditions: filter by your Kibana version on the <a href={`${BASE}/`}>Integrations</a> page to see what Fleet can install.</li>
        </ul>
      </section>
    </div>
  );
}
