import type { FolderSpecFile } from '../../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: true,
    contents: [
      { type: 'file', name: 'docker-compose.yml', contentMediaType: 'application/x-yaml', required: true },
    ],
  },
};

export default file;
