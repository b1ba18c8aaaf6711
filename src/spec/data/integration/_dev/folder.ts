/** package-spec `spec/integration/_dev/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    developmentFolder: true,
    contents: [
      { type: 'folder', name: 'benchmark', required: false, $ref: './benchmark/folder' },
      { type: 'folder', name: 'build', required: false, $ref: './build/folder' },
      { type: 'folder', name: 'deploy', required: false, $ref: './deploy/folder' },
      { type: 'folder', name: 'test', required: false, $ref: './test/folder' },
      { type: 'folder', name: 'shared', required: false, $ref: './shared/folder' },
      { type: 'folder', name: 'scripts', required: false, $ref: './scripts/folder' },
    ],
  },
};

export default file;
