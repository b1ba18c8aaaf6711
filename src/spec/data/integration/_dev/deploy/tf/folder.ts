/** package-spec `spec/integration/_dev/deploy/tf/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    contents: [
      { pattern: '^.*\\.tf$', type: 'file', required: true },
      { name: '.terraform.lock.hcl', type: 'file', required: false },
      { pattern: '^.*\\.tftpl$', type: 'file', required: false },
      { type: 'file', name: 'env.yml', contentMediaType: 'application/x-yaml', required: false, $ref: './env' },
      { pattern: '^.*\\.json$', type: 'file', contentMediaType: 'application/json', required: false },
      { name: 'files', type: 'folder', required: false, $ref: './files/folder' },
    ],
  },
};

export default file;
