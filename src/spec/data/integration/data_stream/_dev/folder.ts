/** package-spec `spec/integration/data_stream/_dev/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    developmentFolder: true,
    contents: [
      { type: 'folder', name: 'test', required: false, $ref: './test/folder' },
      { type: 'folder', name: 'deploy', required: false, $ref: './../../_dev/deploy/folder' },
      { type: 'folder', name: 'benchmark', required: false, $ref: './benchmark/folder' },
    ],
  },
};

export default file;
