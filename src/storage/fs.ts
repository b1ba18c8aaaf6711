import { PsError } from '../errors.js';
import type { ObjectStore } from './types.js';

/** Local-disk backend (placeholder until issue 2 lands). */
export class FsStore {
  static async open(dir: string): Promise<ObjectStore> {
    throw new PsError('NOT_IMPLEMENTED', `fs backend (${dir})`);
  }
}
