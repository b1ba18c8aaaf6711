/** package-spec `spec/integration/agent/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    contents: [
      {
        type: 'folder',
        name: 'input',
        required: true,
        additionalContents: false,
        contents: [
          { type: 'file', sizeLimit: '2MB', pattern: '^.+\\.yml\\.hbs$', required: true, allowLink: true },
        ],
      },
    ],
  },
};

export default file;
