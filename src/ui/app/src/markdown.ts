// README rendering: markdown-it with raw HTML off; relative links and images resolved against the README's
// own URL (so `../img/x.png` → /package/{n}/{v}/img/x.png); images from other origins are not loaded (the UI
// makes no external requests): they become links.
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

function resolve(href: string, base: string): URL | undefined {
  try {
    return new URL(href, new URL(base, window.location.origin));
  } catch {
    return undefined;
  }
}

const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

md.renderer.rules.image = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  const base = (env as { base: string }).base;
  const src = String(token.attrGet('src') ?? '');
  const url = resolve(src, base);
  const alt = self.renderInlineAsText(token.children ?? [], options, env);
  if (!url || url.origin !== window.location.origin) {
    const safe = url && SAFE_SCHEMES.has(url.protocol) ? md.utils.escapeHtml(url.href) : '';
    const label = md.utils.escapeHtml(alt || 'image');
    return safe
      ? `<a class="ext-image" href="${safe}" rel="noopener noreferrer nofollow">[external image: ${label}]</a>`
      : `<span class="ext-image">[image: ${label}]</span>`;
  }
  token.attrSet('src', url.pathname + url.search);
  token.attrSet('loading', 'lazy');
  return self.renderToken(tokens, idx, options);
};

md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
  const token = tokens[idx]!;
  const base = (_env as { base: string }).base;
  const href = String(token.attrGet('href') ?? '');
  if (href.startsWith('#')) return self.renderToken(tokens, idx, options);
  const url = resolve(href, base);
  if (!url || !SAFE_SCHEMES.has(url.protocol)) {
    token.attrSet('href', '#');
  } else if (url.origin === window.location.origin) {
    token.attrSet('href', url.pathname + url.search + url.hash);
  } else {
    token.attrSet('href', url.href);
    token.attrSet('rel', 'noopener noreferrer nofollow');
  }
  return self.renderToken(tokens, idx, options);
};

// README headings sit under the page's h1 and the "Overview" h2: shift them two levels down (h1 → h3).
const shift = (tag: string) => `h${Math.min(6, Number(tag.slice(1)) + 2)}`;
md.renderer.rules.heading_open = (tokens, idx, options, _env, self) => {
  tokens[idx]!.tag = shift(tokens[idx]!.tag);
  return self.renderToken(tokens, idx, options);
};
md.renderer.rules.heading_close = (tokens, idx, options, _env, self) => {
  tokens[idx]!.tag = shift(tokens[idx]!.tag);
  return self.renderToken(tokens, idx, options);
};

/** Render a package README to HTML. `base` is the README's URL path, e.g. /package/x/1.0.0/docs/README.md. */
export function renderReadme(source: string, base: string): string {
  // Code blocks and tables scroll sideways on narrow screens: make them keyboard-focusable so they can be scrolled.
  return md.render(source, { base }).replace(/<pre>/g, '<pre tabindex="0">').replace(/<table>/g, '<table tabindex="0">');
}
