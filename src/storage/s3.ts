import { PsError } from '../errors.js';
import type { Config } from '../config.js';
import type { ObjectStore } from './types.js';

/** S3 backend (placeholder until issue 7 lands). */
export class S3Store {
  static async fromUrl(url: string, _config: Partial<Config>): Promise<ObjectStore> {
    throw new PsError('NOT_IMPLEMENTED', `s3 backend (${url})`);
  }
}
