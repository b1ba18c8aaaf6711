/** package-spec `spec/integration/docs/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    contents: [
      { type: 'file', contentMediaType: 'text/markdown', name: 'README.md', required: true },
      { type: 'file', contentMediaType: 'text/markdown', pattern: '^.+\\.md', required: false },
      {
        type: 'folder',
        name: 'knowledge_base',
        required: false,
        contents: [
          { type: 'file', contentMediaType: 'text/markdown', pattern: '^.+\\.md$' },
        ],
        additionalContents: false,
      },
    ],
  },
};

export default file;
