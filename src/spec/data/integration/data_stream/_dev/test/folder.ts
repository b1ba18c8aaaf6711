/** package-spec `spec/integration/data_stream/_dev/test/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    contents: [
      { type: 'folder', name: 'pipeline', required: false, $ref: './pipeline/folder' },
      { type: 'folder', name: 'static', required: false, $ref: './static/folder' },
      { type: 'folder', name: 'system', required: false, $ref: './system/folder' },
      { type: 'folder', name: 'policy', required: false, $ref: './policy/folder' },
      { type: 'folder', name: 'scripts', required: false, $ref: './scripts/folder' },
    ],
  },
};

export default file;
