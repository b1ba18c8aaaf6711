import type { FolderSpecFile } from '../../../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    contents: [
      { type: 'file', contentMediaType: 'text/plain', pattern: '^.+\\.(txt|txtar)$', required: false },
    ],
  },
};

export default file;
