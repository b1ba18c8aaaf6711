/** package-spec `spec/integration/_dev/build/docs/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    contents: [
      { type: 'file', name: 'README.md', contentMediaType: 'text/markdown', required: true },
      { type: 'file', contentMediaType: 'text/markdown', pattern: '^.+\\.md', required: false },
    ],
  },
};

export default file;
