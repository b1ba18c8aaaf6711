/** package-spec `spec/integration/data_stream/_dev/benchmark/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    contents: [
      { type: 'folder', name: 'pipeline', required: false, $ref: './pipeline/folder' },
    ],
  },
};

export default file;
