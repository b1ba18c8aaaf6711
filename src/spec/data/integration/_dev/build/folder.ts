/** package-spec `spec/integration/_dev/build/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    contents: [
      { type: 'file', contentMediaType: 'application/x-yaml', name: 'build.yml', $ref: './build' },
      { type: 'folder', name: 'docs', required: false, $ref: './docs/folder' },
    ],
  },
};

export default file;
