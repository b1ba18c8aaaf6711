import { useEffect, useState } from 'preact/hooks';
import { HttpError } from './api.js';

export type Async<T> = { state: 'loading' } | { state: 'error'; error: string; status?: number } | { state: 'ok'; value: T };

const memo = new Map<string, unknown>();

/** Load `key` with `load`, keeping successful results in memory (for instant back navigation). */
export function useAsync<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): Async<T> {
  const [s, setS] = useState<Async<T>>(() =>
    key !== null && memo.has(key) ? { state: 'ok', value: memo.get(key) as T } : { state: 'loading' },
  );
  useEffect(() => {
    if (key === null) return;
    if (memo.has(key)) {
      setS({ state: 'ok', value: memo.get(key) as T });
      return;
    }
    const ac = new AbortController();
    setS({ state: 'loading' });
    load(ac.signal).then(
      (value) => {
        if (memo.size > 200) memo.clear();
        memo.set(key, value);
        if (!ac.signal.aborted) setS({ state: 'ok', value });
      },
      (e: unknown) => {
        if (ac.signal.aborted) return;
        setS({ state: 'error', error: e instanceof Error ? e.message : String(e), status: e instanceof HttpError ? e.status : undefined });
      },
    );
    return () => ac.abort();
  }, [key]);
  return s;
}
