/** Go's `time.ParseDuration`, in nanoseconds (as a number: precise enough to compare package durations). */
const UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

export function parseGoDuration(s: string): number | { error: string } {
  const orig = s;
  const bad = { error: `time: invalid duration ${JSON.stringify(orig)}` };
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return bad;
  let total = 0;
  while (s.length) {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    if (!m[1] && !m[2]) return bad;
    if (m[0] === '.') return bad;
    s = s.slice(m[0].length);
    const u = /^[^\d.]+/.exec(s);
    if (!u) return { error: `time: missing unit in duration ${JSON.stringify(orig)}` };
    const unit = UNITS[u[0]];
    if (unit === undefined) return { error: `time: unknown unit ${JSON.stringify(u[0])} in duration ${JSON.stringify(orig)}` };
    s = s.slice(u[0].length);
    total += Number(`${m[1] || '0'}.${m[2] || '0'}`) * unit;
  }
  return neg ? -total : total;
}
