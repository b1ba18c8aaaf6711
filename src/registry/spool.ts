/**
 * A local, append-only copy of index entries (the raw JSON text of each package document), read back by
 * offset. The registry keeps only the compact filter structures of each entry in memory and reads a
 * document from here when a `/package` body or a `/search` item has to be built (then an LRU keeps the
 * serialized answer). Memory therefore does not grow with the size of the documents.
 *
 * The file is created in the spool folder (config `spoolDir`, set with setSpoolDir; default os.tmpdir()) and
 * unlinked at once: it
 * lives as long as its descriptor, which is closed when the Spool is closed or garbage collected, so a crash
 * or SIGKILL leaves nothing behind. Reads are synchronous (a local file in the page cache: microseconds for a
 * document), which keeps the service functions synchronous and the catalog an immutable snapshot.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const finalizer = new FinalizationRegistry<{ fd: number; closed: boolean }>((h) => {
  if (!h.closed) {
    h.closed = true;
    try {
      closeSync(h.fd);
    } catch {
      /* already closed */
    }
  }
});

let spoolDir: string | undefined;
/** Where new spool files go (config.spoolDir); undefined = the OS temp folder. */
export function setSpoolDir(dir: string | undefined): void {
  spoolDir = dir;
}

export class Spool {
  private readonly handle: { fd: number; closed: boolean };
  /** Bytes written so far (the offset of the next append). */
  size = 0;

  private constructor(fd: number) {
    this.handle = { fd, closed: false };
    finalizer.register(this, this.handle, this.handle);
  }

  /** A new empty spool file (already unlinked). */
  static create(dir: string = spoolDir ?? os.tmpdir()): Spool {
    const d = mkdtempSync(path.join(dir, 'ps-spool-'));
    const f = path.join(d, 'entries');
    const fd = openSync(f, 'w+', 0o600);
    unlinkSync(f);
    rmdirSync(d);
    return new Spool(fd);
  }

  /** Append bytes; returns their offset. */
  append(buf: Buffer): number {
    const off = this.size;
    let done = 0;
    while (done < buf.length) done += writeSync(this.handle.fd, buf, done, buf.length - done, off + done);
    this.size += buf.length;
    return off;
  }

  /** Read `len` bytes at `off`. */
  read(off: number, len: number): Buffer {
    const out = Buffer.allocUnsafe(len);
    let done = 0;
    while (done < len) {
      const n = readSync(this.handle.fd, out, done, len - done, off + done);
      if (n === 0) throw new Error(`spool: short read at ${off + done}`);
      done += n;
    }
    return out;
  }

  get fd(): number {
    return this.handle.fd;
  }

  close(): void {
    if (this.handle.closed) return;
    this.handle.closed = true;
    finalizer.unregister(this.handle);
    closeSync(this.handle.fd);
  }
}
