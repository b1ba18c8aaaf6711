// End-to-end test of the web UI (issue 9) in real Chromium (Debian's /usr/bin/chromium via playwright-core)
// against a real registry seeded with the v1 corpus through the real publish pipeline and indexer.
// Saves screenshots into test-results/ (CI artifacts). Issue 17: tabs, changelog, owner badges and filter,
// publish dates (backdated package documents), Connect Kibana, filter chips, "page N of M".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { pipelineMissing, SAMPLE_OWNERS, startUiRegistry, type UiRegistry } from './helpers/ui-registry.js';

// Browser-side globals inside page.evaluate callbacks (this file is type-checked without the DOM lib).
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CORPUS = path.resolve(repo, '../shared/testdata/v1-corpus/packages');
const UI_INDEX = path.join(repo, 'dist/ui/app/index.html');
const RESULTS = path.join(repo, 'test-results');

const skip = !existsSync(CHROMIUM)
  ? `chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`
  : !existsSync(CORPUS)
    ? `v1 corpus not found at ${CORPUS}`
    : !existsSync(UI_INDEX)
      ? `the UI is not built (${UI_INDEX} missing): run npm run build`
      : await pipelineMissing().then((m) => (m ? `the publish pipeline cannot run yet: ${m}` : false));
if (skip) console.log(`# skipping the UI e2e test: ${skip}`);

let browser: Browser;
let reg: UiRegistry;
let base: string;
const external: string[] = [];

interface Item { name: string; title?: string; version: string; categories?: string[]; owner?: { type?: string }; path: string }

/** Packages whose documents get known times: the newest version `daysAgo` days ago, each older one 10 days before. */
const BACKDATE = [{ name: 'hello_logs', daysAgo: 3 }, { name: 'awsfargate', daysAgo: 40 }];

async function api<T>(p: string): Promise<T> {
  const r = await fetch(base + p);
  assert.equal(r.status, 200, `${p}: ${r.status}`);
  return (await r.json()) as T;
}

async function newPage(width = 1280, height = 900): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(base) && !u.startsWith('data:')) external.push(u);
  });
  page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
  return page;
}

async function resultCount(page: Page): Promise<number> {
  const t = await page.getByTestId('result-count').textContent();
  const m = /^(\d+) package/.exec(t ?? '');
  assert.ok(m, `result count text: ${t}`);
  return Number(m[1]);
}

/** Wait until the result count text satisfies `pred` (the list re-renders after a fetch). */
async function waitCount(page: Page, pred: (n: number) => boolean, what: string): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const el = await page.$('[data-testid=result-count]');
    const m = /^(\d+) package/.exec((await el?.textContent()) ?? '');
    if (m && pred(Number(m[1]))) return Number(m[1]);
    await page.waitForTimeout(50);
  }
  assert.fail(`result count never satisfied: ${what} (now: ${await page.$eval('[data-testid=result-count]', (e) => e.textContent).catch(() => 'none')})`);
}

/** axe-core in the page; returns every violation, whatever its impact. */
async function axe(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's CSP (script-src 'self') rightly refuses inline scripts.
  await page.evaluate(readFileSync(path.join(repo, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  const violations = await page.evaluate(async () => {
    const w = window as { axe: { run: (ctx: unknown, o: object) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } };
    const r = await w.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  return violations.map((v) => `${v.impact} ${v.id}: ${v.help} @ ${v.targets.join(', ')}`);
}

before(async () => {
  if (skip) return;
  mkdirSync(RESULTS, { recursive: true });
  reg = await startUiRegistry({ corpus: CORPUS, backdate: BACKDATE });
  base = reg.baseUrl;
  if (reg.seeded !== undefined) console.log(`# ui-e2e: seeded ${reg.seeded} package versions through publishPackage + runIndexer in ${reg.seedMs} ms`);
  const { chromium } = await import('playwright-core');
  // Playwright gives every launch a fresh, empty profile directory (the env notes' --user-data-dir).
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  await reg?.close();
});

test('gallery: shows the packages, search narrows, category and prerelease change the list', { skip }, async () => {
  const latest = await api<Item[]>('/search');
  const withPre = await api<Item[]>('/search?prerelease=true');
  assert.ok(latest.length > 0, 'the seeded registry lists packages');

  const page = await newPage();
  await page.goto(`${base}/app/`);
  await page.waitForSelector('.card');
  assert.equal(await resultCount(page), latest.length);
  const cards = await page.$$eval('.card', (els) => els.map((e) => e.getAttribute('data-package')));
  assert.equal(cards.length, Math.min(48, latest.length), 'first page of cards');
  if (latest.length > 48) assert.ok(await page.$('nav.pager'), 'a pager when there are more than 48 packages');
  // every card shows a title, a version and a release badge
  const first = page.locator('.card').first();
  assert.match((await first.locator('.version').textContent()) ?? '', /^v\d+\.\d+\.\d+/);
  assert.match((await first.locator('.badge').first().textContent()) ?? '', /GA|Beta|Technical preview|Prerelease/);
  await page.screenshot({ path: path.join(RESULTS, 'ui-gallery.png'), fullPage: false });
  assert.deepEqual(await axe(page), [], 'no accessibility violations on the gallery');

  // keyboard: the first Tab stops are the skip link, then the header, then the search box (before any card)
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Skip to content');
  let reached = false;
  for (let i = 0; i < 6 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.id === 'search');
  }
  assert.ok(reached, 'the search box is reached by keyboard right after the header links');

  // search: pick a word from one title; the list narrows to the packages whose text contains it
  const target = latest.find((p) => (p.title ?? '').split(/\s+/).some((w) => w.length >= 5)) ?? latest[0]!;
  const word = (target.title ?? target.name).split(/\s+/).find((w) => w.length >= 5) ?? target.name;
  await page.keyboard.type(word);
  const narrowed = await waitCount(page, (n) => n < latest.length, `search '${word}' narrows`);
  assert.ok(narrowed >= 1);
  const shown = await page.$$eval('.card', (els) => els.map((e) => e.textContent ?? ''));
  for (const t of shown) assert.ok(t.toLowerCase().includes(word.toLowerCase()), `card matches ${word}: ${t}`);
  assert.ok(await page.$(`.card[data-package="${target.name}"]`), `${target.name} is among the results for '${word}'`);
  assert.match(page.url(), new RegExp(`[?&]q=${encodeURIComponent(word)}`));
  await page.fill('#search', '');
  await waitCount(page, (n) => n === latest.length, 'clearing the search restores the list');

  // category filter: the list becomes the category's packages, with the count /categories reports
  const cats = await api<{ id: string; count: number }[]>('/categories');
  const cat = cats.filter((c) => c.count < latest.length).sort((a, b) => b.count - a.count)[0];
  assert.ok(cat, 'a category smaller than the whole catalog');
  const inCat = await api<Item[]>(`/search?category=${cat.id}`);
  await page.click(`button.cat[data-category="${cat.id}"]`);
  await waitCount(page, (n) => n === inCat.length, `category ${cat.id} → ${inCat.length}`);
  assert.equal(await page.getAttribute(`button.cat[data-category="${cat.id}"]`, 'aria-pressed'), 'true');
  const catCards = await page.$$eval('.card', (els) => els.map((e) => e.getAttribute('data-package')));
  assert.deepEqual(new Set(catCards), new Set(inCat.map((p) => p.name).slice(0, 48)));
  await page.click('button.cat >> text=All categories');
  await waitCount(page, (n) => n === latest.length, 'all categories again');

  // prerelease toggle: the list becomes /search?prerelease=true
  const before = new Set(latest.map((p) => `${p.name}@${p.version}`));
  const after = new Set(withPre.map((p) => `${p.name}@${p.version}`));
  assert.notDeepEqual(after, before, 'the seeded corpus has prerelease (experimental) versions');
  await page.check('#prerelease');
  await waitCount(page, (n) => n === withPre.length, 'prerelease=true count');
  assert.match(page.url(), /prerelease=true/);
  const versionsShown = await page.$$eval('.card', (els) => els.map((e) => `${e.getAttribute('data-package')}@${e.querySelector('.version')?.textContent?.slice(1)}`));
  for (const v of versionsShown) assert.ok(after.has(v), `${v} comes from /search?prerelease=true`);
  await page.uncheck('#prerelease');
  await waitCount(page, (n) => n === latest.length, 'prerelease off');

  // kibana version filter → kibana.version=
  const k = await api<Item[]>('/search?kibana.version=7.10.0');
  await page.fill('#kibana', '7.10.0');
  await waitCount(page, (n) => n === k.length, `kibana 7.10.0 → ${k.length}`);
  await page.close();
});

test('package page: README, screenshot, details, versions, downloads and checksum', { skip }, async () => {
  const latest = await api<(Item & { path: string })[]>('/search');
  // a package whose shown (latest) version has screenshots
  let chosen: { name: string; version: string; title: string; screenshots: { path: string }[]; download: string } | undefined;
  // prefer one with several versions, to also walk to an older version
  const all = await api<Item[]>('/search?all=true&prerelease=true');
  const count = (n: string) => all.filter((v) => v.name === n).length;
  for (const p of [...latest].sort((a, b) => Number(count(b.name) > 1) - Number(count(a.name) > 1))) {
    const doc = await api<{ name: string; version: string; title: string; screenshots?: { path: string }[]; download: string }>(`${p.path}/`);
    if (doc.screenshots?.length) { chosen = { ...doc, screenshots: doc.screenshots }; break; }
  }
  assert.ok(chosen, 'the seeded corpus has a package with screenshots');

  const page = await newPage();
  await page.goto(`${base}/app/?q=${encodeURIComponent(chosen.name)}`);
  // open it from the gallery with the keyboard
  await page.focus(`.card[data-package="${chosen.name}"]`);
  await page.keyboard.press('Enter');
  await page.waitForSelector('.readme');
  assert.equal(new URL(page.url()).pathname, `/app/packages/${chosen.name}`);
  assert.equal((await page.textContent('h1'))?.trim(), chosen.title);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main-heading', 'focus moves to the new page heading');
  // README rendered from markdown (headings, paragraphs), not shown as raw text
  assert.ok((await page.$$('.readme p')).length > 0, 'README paragraphs');
  assert.ok((await page.$$('.readme h3, .readme h4')).length > 0, 'README headings');
  const paras = await page.$$eval('.readme p', (els) => els.map((e) => e.textContent ?? ''));
  assert.ok(!paras.some((t) => /^#{1,6} /.test(t)), 'no raw markdown heading marks in paragraphs');
  // a screenshot, loaded from the package's static files
  const shot = page.locator('.shots img').first();
  await shot.scrollIntoViewIfNeeded();
  await page.waitForFunction(() => { const i = document.querySelector('.shots img'); return !!i && i.complete && i.naturalWidth > 0; });
  assert.equal(new URL((await shot.getAttribute('src'))!, base).pathname, chosen.screenshots[0]!.path);
  // details in the side panel; the versions list in its tab
  const versions = await api<Item[]>(`/search?package=${chosen.name}&all=true&prerelease=true`);
  assert.match((await page.textContent('.pkg-side')) ?? '', /Requirements/);

  // checksum and fingerprint from the integrity endpoint; the download link returns the zip with that hash
  await page.waitForSelector('[data-testid=sha256]');
  const sha = (await page.textContent('[data-testid=sha256]'))!.trim();
  const href = (await page.getAttribute('[data-testid=download-zip]', 'href'))!;
  assert.equal(href, chosen.download);
  const zip = await page.request.get(base + href);
  assert.equal(zip.status(), 200);
  assert.match(zip.headers()['content-type'] ?? '', /application\/zip/);
  const body = await zip.body();
  assert.equal(body.subarray(0, 2).toString('latin1'), 'PK');
  assert.equal(createHash('sha256').update(body).digest('hex'), sha, 'the page shows the SHA-256 of the served zip');
  const sigHref = await page.getAttribute('[data-testid=download-sig]', 'href');
  if (sigHref) {
    const sig = await page.request.get(base + sigHref);
    assert.equal(sig.status(), 200);
    assert.match(await sig.text(), /BEGIN PGP SIGNATURE/);
    assert.match((await page.textContent('[data-testid=fingerprint]')) ?? '', /^[0-9A-F]{16,40}$/);
  }
  const cmd = (await page.textContent('#verify-cmd'))!;
  assert.match(cmd, new RegExp(`curl -fSO ${base.replace(/[.]/g, '\\.')}${href}`));
  assert.match(cmd, /package-storage verify /);

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.setViewportSize({ width: 1280, height: 1500 });
  await page.screenshot({ path: path.join(RESULTS, 'ui-package.png') });
  assert.deepEqual(await axe(page), [], 'no accessibility violations on the package page');

  // an older version is reachable from the versions table (Versions tab)
  await page.click('[role=tab][data-tab=versions]');
  await page.waitForSelector('table.versions');
  assert.equal(await page.locator('table.versions tbody tr').count(), Math.min(20, versions.length));
  if (versions.length > 1) {
    const older = [...versions].map((v) => v.version).find((v) => v !== chosen!.version)!;
    await page.click(`table.versions a[href="/app/packages/${chosen.name}/${older}"]`);
    await page.waitForFunction((v) => document.querySelector('.pkg-sub')?.textContent?.includes(`v${v}`), older);
  }
  await page.close();
});

test('narrow screen: readable without horizontal scrolling; no external requests at all', { skip }, async () => {
  const page = await newPage(375, 800);
  await page.goto(`${base}/app/`);
  await page.waitForSelector('.card');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `gallery overflows a 375px screen by ${overflow}px`);
  await page.screenshot({ path: path.join(RESULTS, 'ui-gallery-narrow.png') });
  const name = await page.getAttribute('.card', 'data-package');
  await page.click('.card');
  await page.waitForSelector('.readme');
  const o2 = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(o2 <= 0, `package page ${name} overflows a 375px screen by ${o2}px`);
  await page.screenshot({ path: path.join(RESULTS, 'ui-package-narrow.png') });
  // unknown package and unknown page: a clear message, not a blank page
  await page.goto(`${base}/app/packages/no_such_package`);
  await page.waitForSelector('h1');
  assert.equal((await page.textContent('h1'))?.trim(), 'Package not found');
  await page.goto(`${base}/app/nowhere`);
  assert.equal((await page.textContent('h1'))?.trim(), 'Page not found');
  await page.close();
  assert.deepEqual(external, [], 'the UI made requests to other origins');
});

const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

test('gallery (issue 17): owner badges and filter, "updated N days ago", filter chips, page N of M, category title kept', { skip }, async () => {
  const latest = await api<Item[]>('/search');
  const page = await newPage();
  await page.goto(`${base}/app/`);
  await page.waitForSelector('.card');

  // the page title is not flush against the header
  const gap = await page.evaluate(() => document.querySelector('h1').getBoundingClientRect().top - document.querySelector('.site-header').getBoundingClientRect().bottom);
  assert.ok(gap >= 20, `space between the header and the page title: ${gap}px`);

  // owner badges on cards, from owner.type
  const listed = Object.entries(SAMPLE_OWNERS).filter(([name]) => latest.some((p) => p.name === name)); // queue_watch is a prerelease
  assert.deepEqual(new Set(listed.map(([, t]) => t)), new Set(['elastic', 'partner', 'community']));
  for (const [name, type] of listed) {
    await page.fill('#search', name);
    await page.waitForSelector(`.card[data-package="${name}"]`);
    const badge = page.locator(`.card[data-package="${name}"] .badge-owner`);
    assert.equal(await badge.getAttribute('data-owner'), type, `${name} owner badge`);
    assert.equal((await badge.textContent())?.trim(), { elastic: 'Elastic', partner: 'Partner', community: 'Community' }[type]);
  }
  // "updated N days ago": the newest publish time of the package (its document's last-modified time)
  await page.fill('#search', 'hello_logs');
  await page.waitForSelector('.card[data-package="hello_logs"] .card-updated');
  assert.equal((await page.textContent('.card[data-package="hello_logs"] .card-updated'))?.trim(), 'updated 3 days ago');
  await page.fill('#search', '');
  await waitCount(page, (n) => n === latest.length, 'search cleared');

  // owner filter: only that owner's packages, a chip to remove it
  const partners = latest.filter((p) => p.owner?.type === 'partner');
  assert.ok(partners.length >= 1);
  await page.selectOption('#owner', 'partner');
  await waitCount(page, (n) => n === partners.length, `owner=partner → ${partners.length}`);
  assert.match(page.url(), /[?&]owner=partner/);
  const owners = await page.$$eval('.card', (els) => els.map((e) => e.querySelector('.badge-owner')?.getAttribute('data-owner')));
  assert.deepEqual(owners, partners.map(() => 'partner'));
  assert.equal((await page.textContent('[data-chip=owner]'))?.replace('×', '').trim(), 'Owner: Partner');
  await page.click('[data-chip=owner]');
  await waitCount(page, (n) => n === latest.length, 'owner chip removed');
  assert.doesNotMatch(page.url(), /owner=/);

  // category + a Kibana version that leaves it empty: the category stays visible, pressed, with its title
  const cats = await api<{ id: string; title: string; count: number }[]>('/categories');
  const kib = '7.0.0';
  const catsK = await api<{ id: string }[]>(`/categories?kibana.version=${kib}`);
  const gone = cats.find((c) => !catsK.some((k) => k.id === c.id));
  assert.ok(gone, `a category with no package for Kibana ${kib}`);
  await page.click(`button.cat[data-category="${gone.id}"]`);
  await waitCount(page, (n) => n === gone.count, `category ${gone.id}`);
  await page.fill('#kibana', kib);
  await waitCount(page, (n) => n === 0, `category ${gone.id} + Kibana ${kib} → 0`);
  const btn = page.locator(`button.cat[data-category="${gone.id}"]`);
  assert.equal(await btn.getAttribute('aria-pressed'), 'true', 'the selected category is still listed');
  assert.equal((await btn.locator('span').first().textContent())?.trim(), gone.title, 'with its title, not its id');
  assert.match((await page.textContent('[data-testid=result-count]')) ?? '', new RegExp(`in ${gone.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} for Kibana ${kib}`));
  // the active filters as chips, each removable (by keyboard too)
  await page.check('#prerelease');
  await page.waitForSelector('[data-chip=prerelease]');
  const chipTexts = await page.$$eval('.chips button.chip', (els) => els.map((e) => e.textContent?.replace('×', '').trim()));
  assert.deepEqual(chipTexts, [`Category: ${gone.title}`, `Kibana ${kib}`, 'Prereleases shown']);
  await page.screenshot({ path: path.join(RESULTS, 'ui-gallery-chips.png') });
  assert.deepEqual(await axe(page), [], 'no accessibility violations with chips and an empty result');
  await page.focus('[data-chip=kibana]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !document.querySelector('[data-chip=kibana]'));
  assert.doesNotMatch(page.url(), /kibana=/);
  await page.waitForFunction(() => document.getElementById('kibana').value === '', undefined, { timeout: 2000 });
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-chip')), 'prerelease', 'focus moves to the next chip');
  await page.click('.chip-clear');
  await page.waitForFunction(() => !document.querySelector('.chips'));
  await waitCount(page, (n) => n === latest.length, 'all filters cleared');

  // page N of M
  const pages = Math.ceil(latest.length / 48);
  assert.ok(pages >= 2, 'the seeded catalog has more than one page');
  assert.equal((await page.textContent('[data-testid=page-of]'))?.trim(), `Page 1 of ${pages}`);
  await page.click('nav.pager button[aria-label="Page 2"]');
  await page.waitForFunction((p) => document.querySelector('[data-testid=page-of]')?.textContent?.trim() === `Page 2 of ${p}`, pages);
  assert.match((await page.textContent('[data-testid=result-count]')) ?? '', new RegExp(`page 2 of ${pages}$`));
  assert.match(page.url(), /[?&]page=2/);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(RESULTS, 'ui-gallery-page2.png') });
  await page.close();
});

test('package page (issue 17): tabs by keyboard, changelog from changelog.yml, owner, publish dates', { skip }, async () => {
  const page = await newPage(1280, 1100);
  const doc = await api<{ name: string; version: string; title: string }>('/package/hello_logs/1.2.0/');
  await page.goto(`${base}/app/packages/hello_logs`);
  await page.waitForSelector('.readme');
  // owner type and publish date in the header; owner type in the details
  assert.equal(await page.getAttribute('.pkg-sub .badge-owner', 'data-owner'), 'elastic');
  assert.equal((await page.textContent('[data-testid=owner-type]'))?.trim(), 'Elastic');
  const t = reg.documentTimes?.get(`hello_logs-${doc.version}`);
  if (t !== undefined) {
    assert.equal((await page.textContent('[data-testid=published]'))?.trim(), `Published ${isoDay(t)} (3 days ago)`);
  }

  // four tabs; Overview selected; only its panel is in the page
  const tabs = await page.$$eval('[role=tab]', (els) => els.map((e) => ({ name: e.childNodes[0]?.textContent, selected: e.getAttribute('aria-selected') })));
  assert.deepEqual(tabs.map((x) => x.name), ['Overview', 'Data streams & policy templates', 'Changelog', 'Versions']);
  assert.deepEqual(tabs.map((x) => x.selected), ['true', 'false', 'false', 'false']);
  assert.equal(await page.$('#panel-streams'), null);
  await page.screenshot({ path: path.join(RESULTS, 'ui-package-overview.png') });
  assert.deepEqual(await axe(page), [], 'no accessibility violations: Overview tab');

  // keyboard: Tab reaches the selected tab; arrows move between tabs; the URL keeps the tab
  await page.focus('[role=tab][aria-selected=true]');
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector('#panel-streams');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-tab')), 'streams');
  assert.match(page.url(), /\?tab=streams$/);
  assert.ok(await page.$('#panel-streams #pt-heading'), 'policy templates in the streams tab');
  assert.ok(await page.$('#panel-streams #ds-heading'), 'data streams in the streams tab');
  await page.screenshot({ path: path.join(RESULTS, 'ui-package-streams.png') });
  assert.deepEqual(await axe(page), [], 'no accessibility violations: streams tab');

  // changelog: every version, change, type badge and link of the served changelog.yml
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector('[data-testid=changelog]');
  const yml = parseYaml(await (await fetch(`${base}/package/hello_logs/${doc.version}/changelog.yml`)).text()) as { version: string; changes: { description: string; type: string; link: string }[] }[];
  const shown = await page.$$eval('.changelog-version', (els) =>
    els.map((e) => ({
      version: e.querySelector('h3')?.childNodes[0]?.textContent,
      changes: [...e.querySelectorAll('li')].map((li) => ({ type: li.querySelector('.badge')?.className, text: li.querySelector('.change-desc')?.textContent, link: li.querySelector('a')?.getAttribute('href') })),
    })),
  );
  assert.deepEqual(shown, yml.map((v) => ({ version: v.version, changes: v.changes.map((c) => ({ type: `badge change-${c.type}`, text: c.description, link: c.link })) })));
  assert.ok(shown.length >= 1);
  assert.equal((await page.textContent('.changelog-version .badge.change-enhancement'))?.trim(), 'Enhancement');
  await page.screenshot({ path: path.join(RESULTS, 'ui-package-changelog.png') });
  assert.deepEqual(await axe(page), [], 'no accessibility violations: changelog tab');
  await page.keyboard.press('End');
  await page.waitForSelector('table.versions');
  assert.match(page.url(), /\?tab=versions$/);
  await page.keyboard.press('Home');
  await page.waitForSelector('.readme');
  assert.doesNotMatch(page.url(), /tab=/);

  // publish dates in the versions tab: the store's document times, served by /api/v1/ui/packages/{n}/published
  const published = await api<{ name: string; versions: { version: string; published: string }[] }>('/api/v1/ui/packages/awsfargate/published');
  assert.equal(published.versions.length, 3);
  for (const v of published.versions) {
    const want = reg.documentTimes?.get(`awsfargate-${v.version}`);
    if (want !== undefined) assert.ok(Math.abs(Date.parse(v.published) - want) < 1000, `${v.version}: ${v.published} vs ${new Date(want).toISOString()}`);
  }
  await page.goto(`${base}/app/packages/awsfargate?tab=versions`);
  await page.waitForSelector('table.versions tbody tr time');
  const rows = await page.$$eval('table.versions tbody tr', (els) => els.map((e) => ({ version: e.getAttribute('data-version'), time: e.querySelector('time')?.getAttribute('datetime'), text: e.querySelector('td:last-child')?.textContent })));
  assert.equal(rows.length, 3);
  for (const r of rows) {
    const v = published.versions.find((x) => x.version === r.version)!;
    assert.equal(r.time, v.published);
    assert.ok(r.text?.startsWith(isoDay(Date.parse(v.published))), `date shown: ${r.text}`);
  }
  if (reg.documentTimes?.size) assert.deepEqual(rows.map((r) => r.text?.replace(/^\S+ /, '')), ['(1 month ago)', '(1 month ago)', '(2 months ago)']);
  await page.screenshot({ path: path.join(RESULTS, 'ui-package-versions.png') });
  assert.deepEqual(await axe(page), [], 'no accessibility violations: versions tab');
  // a big package (cisco_ios: field tables in its README): streams and changelog in their own tabs
  for (const tab of ['streams', 'changelog'] as const) {
    await page.goto(`${base}/app/packages/cisco_ios?tab=${tab}`);
    await page.waitForSelector(tab === 'streams' ? '#panel-streams #ds-heading' : '[data-testid=changelog] li');
    assert.equal(await page.$('.readme'), null, 'the README is not on this tab');
    await page.screenshot({ path: path.join(RESULTS, `ui-package-cisco_ios-${tab}.png`) });
    assert.deepEqual(await axe(page), [], `no accessibility violations: cisco_ios ${tab} tab`);
  }
  // the card of a package with several versions says when its newest one was published
  await page.goto(`${base}/app/?q=awsfargate`);
  assert.equal((await (await page.waitForSelector('.card[data-package=awsfargate] .card-updated')).textContent())?.trim(), 'updated 1 month ago');
  await page.close();
});

test('Connect Kibana (issue 17): linked from the header, kibana.yml for this registry, the trusted key, air-gapped', { skip }, async () => {
  const page = await newPage(1280, 1400);
  await page.goto(`${base}/app/`);
  await page.waitForSelector('.card');
  await page.click('.site-header a:has-text("Connect Kibana")');
  await page.waitForSelector('[data-testid=key-download], [data-testid=no-keys]');
  assert.equal(new URL(page.url()).pathname, '/app/connect');
  assert.equal((await page.textContent('h1'))?.trim(), 'Connect Kibana');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main-heading');
  assert.equal((await page.textContent('[data-testid=registry-url]'))?.trim(), base);
  assert.equal((await page.textContent('#kibana-yml'))?.trim(), `xpack.fleet.registryUrl: "${base}"`);
  // the registry trusts a key: a download link for it, and gpgKeyPath in kibana.yml
  assert.equal(await page.getAttribute('[data-testid=key-download]', 'href'), '/api/v1/keys');
  const key = await page.request.get(`${base}/api/v1/keys`);
  assert.equal(key.status(), 200);
  if (reg.publicKey) assert.equal((await key.text()).trim(), reg.publicKey.trim());
  assert.equal(
    (await page.textContent('#kibana-yml-signed'))?.trim(),
    `xpack.fleet.registryUrl: "${base}"\nxpack.fleet.packageVerification.gpgKeyPath: "/etc/kibana/package-storage-public-key.asc"`,
  );
  assert.equal((await page.textContent('#key-cmd'))?.trim(), `curl -fsSL ${base}/api/v1/keys -o /etc/kibana/package-storage-public-key.asc`);
  assert.match((await page.textContent('#kibana-yml-airgapped')) ?? '', /^xpack\.fleet\.isAirGapped: true$/m);
  await page.screenshot({ path: path.join(RESULTS, 'ui-connect-kibana.png'), fullPage: true });
  assert.deepEqual(await axe(page), [], 'no accessibility violations on Connect Kibana');
  await page.close();
});
