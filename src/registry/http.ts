/**
 * Go net/http and gorilla/mux behaviours the EPR API inherits (docs/http-api.md §1), as small pure helpers:
 * path cleaning, path escaping, the redirect body, HTTP dates, Range parsing and content types.
 */

/** Go `path.Clean`. */
export function goPathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const s = (rooted ? '/' : '') + out.join('/');
  return s === '' ? (rooted ? '/' : '.') : s;
}

/** gorilla/mux `cleanPath`: Clean, keeping a trailing slash. */
export function muxCleanPath(p: string): string {
  if (p === '') return '/';
  if (!p.startsWith('/')) p = '/' + p;
  let np = goPathClean(p);
  if (p.endsWith('/') && np !== '/') np += '/';
  return np;
}

/** Go's path escaping (`url.PathEscape` for a whole path): all but `A-Za-z0-9-_.~$&+,/:;=@` become %XX. */
export function goEscapePath(p: string): string {
  let out = '';
  for (const b of Buffer.from(p, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~$&+,/:;=@]/.test(c)) out += c;
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** Decode a URL path (`%XX`; `+` stays). Undefined on a bad escape. */
export function goUnescapePath(p: string): string | undefined {
  if (!p.includes('%')) return p;
  const bytes: number[] = [];
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '%') {
      const h = p.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(h)) return undefined;
      bytes.push(Number.parseInt(h, 16));
      i += 2;
    } else for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
  }
  return Buffer.from(bytes).toString('utf8');
}

function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c]!);
}

/** Body of Go's `http.Redirect` for GET. */
export function redirectBody(location: string, status = 301): string {
  const text = status === 301 ? 'Moved Permanently' : status === 302 ? 'Found' : 'Redirect';
  return `<a href="${htmlEscape(location)}">${text}</a>.\n\n`;
}

/** Parse an HTTP date (IMF-fixdate, RFC 850, asctime). Undefined if unparsable or Go's zero time. */
export function parseHttpDate(s: string): Date | undefined {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  let m = /^[A-Za-z]{3}, (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(s.trim());
  let day: number, mon: number, year: number, hh: number, mm: number, ss: number;
  if (m) {
    [day, mon, year, hh, mm, ss] = [Number(m[1]), months.indexOf(m[2]!), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
  } else if ((m = /^[A-Za-z]+, (\d{2})-([A-Za-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(s.trim()))) {
    const y = Number(m[3]);
    [day, mon, year, hh, mm, ss] = [Number(m[1]), months.indexOf(m[2]!), y < 70 ? 2000 + y : 1900 + y, Number(m[4]), Number(m[5]), Number(m[6])];
  } else if ((m = /^[A-Za-z]{3} ([A-Za-z]{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/.exec(s.trim()))) {
    [mon, day, hh, mm, ss, year] = [months.indexOf(m[1]!), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
  } else return undefined;
  if (mon < 0) return undefined;
  if (year <= 1) return undefined; // Go's zero time (0001-01-01) is "not set"
  const d = new Date(0);
  d.setUTCFullYear(year, mon, day);
  d.setUTCHours(hh, mm, ss, 0);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export type RangeSpec = { start: number; end?: number } | { suffix: number };

/**
 * Parse a `Range` header: a single `bytes=` range. Returns undefined when the header should be ignored
 * (absent, other unit, several ranges: the whole body is served), 'invalid' for a syntax error.
 */
export function parseRange(h: string | undefined): RangeSpec | 'invalid' | undefined {
  if (!h) return undefined;
  const t = h.trim();
  if (!t.startsWith('bytes=')) return 'invalid';
  const spec = t.slice(6).trim();
  if (spec.includes(',')) return undefined;
  const m = /^(\d*)\s*-\s*(\d*)$/.exec(spec);
  if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
  if (m[1] === '') return { suffix: Number(m[2]) };
  const start = Number(m[1]);
  if (m[2] === '') return { start };
  const end = Number(m[2]);
  if (end < start) return 'invalid';
  return { start, end };
}

/** Resolve a range against a size; undefined = unsatisfiable. */
export function resolveRange(r: RangeSpec, size: number): { start: number; end: number } | undefined {
  if ('suffix' in r) {
    if (r.suffix === 0 || size === 0) return undefined;
    return { start: Math.max(0, size - r.suffix), end: size - 1 };
  }
  if (r.start >= size) return undefined;
  return { start: r.start, end: Math.min(r.end ?? size - 1, size - 1) };
}

const TYPE_OVERRIDES: Record<string, string> = {
  '.md': 'text/markdown; charset=utf-8',
  '.yml': 'text/yaml; charset=UTF-8',
  '.yaml': 'text/yaml; charset=UTF-8',
  '.svg': 'image/svg+xml',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.json': 'application/json',
  '.zip': 'application/zip',
  '.ico': 'image/x-icon',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.xml': 'text/xml; charset=utf-8',
  '.pdf': 'application/pdf',
  '.sig': 'application/pgp-signature',
  '.avif': 'image/avif',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Content type from the extension: Go's built-in table plus EPR's overrides (not a large MIME database: Go
 * sniffs what it does not know, e.g. `.hbs` → text/plain), or undefined: sniff the content.
 */
export function contentTypeByExtension(file: string): string | undefined {
  const base = file.slice(file.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  if (dot < 0) return undefined;
  const ext = base.slice(dot).toLowerCase();
  return TYPE_OVERRIDES[ext];
}

/** A small version of Go's `http.DetectContentType` for what packages hold. */
export function sniffContentType(head: Buffer): string {
  const b = head.subarray(0, 512);
  if (b.length >= 4 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 4 && b.subarray(0, 4).toString('latin1') === 'GIF8') return 'image/gif';
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) return 'application/zip';
  if (b.length >= 5 && b.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  const s = b.toString('latin1').trimStart().toLowerCase();
  if (s.startsWith('<!doctype html') || s.startsWith('<html')) return 'text/html; charset=utf-8';
  if (s.startsWith('<?xml')) return 'text/xml; charset=utf-8';
  for (const c of b) {
    if (c <= 0x08 || c === 0x0b || (c >= 0x0e && c <= 0x1a) || (c >= 0x1c && c <= 0x1f)) return 'application/octet-stream';
  }
  return 'text/plain; charset=utf-8';
}

/** Go `json.Encoder` with `SetIndent("", "  ")` and HTML escaping off (U+2028/2029 escaped). */
export function goJson(v: unknown): string {
  return escapeSeparators(JSON.stringify(v, null, 2)) + '\n';
}

export function escapeSeparators(s: string): string {
  return s.replace(/[\u2028\u2029]/g, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'));
}
