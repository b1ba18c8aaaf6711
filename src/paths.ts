/**
 * Creating folders on paths an operator gives (build --out, keys --out-dir, a local store). Node's
 * `mkdir(..., { recursive: true })` loops forever where mkdir(2) answers ENOENT under an existing parent (as in
 * /proc: `build --out /proc/x/` spun the CPU), so folders are made one level at a time, each tried once.
 * Errors are the system's own (ENOENT, ENOTDIR, EEXIST, EACCES...): `systemError` in errors.ts names them.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';

/** Create `dir` and its missing parents (like `mkdir -p`), never looping. `mode` applies to created folders. */
export async function ensureDir(dir: string, mode?: number): Promise<void> {
  const abs = path.resolve(dir);
  try {
    await fsp.mkdir(abs, { mode });
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      const st = await fsp.stat(abs);
      if (st.isDirectory()) return;
      throw e; // a file is in the way
    }
    if (code !== 'ENOENT') throw e;
    const parent = path.dirname(abs);
    if (parent === abs) throw e;
    await ensureDir(parent, mode);
  }
  // the parent exists now: one more try, whose error (ENOENT again in /proc) is final
  try {
    await fsp.mkdir(abs, { mode });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !(await fsp.stat(abs)).isDirectory()) throw e;
  }
}
