import type { FolderSpecFile } from '../../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    contents: [
      { pattern: '^.*\\.yaml$', type: 'file', contentMediaType: 'application/x-yaml', required: false },
      { type: 'file', name: '.empty', required: false },
    ],
  },
};

export default file;
