import type { FolderSpecFile } from '../../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: true,
    contents: [
      {
        type: 'file',
        name: 'custom-agent.yml',
        contentMediaType: 'application/x-yaml',
        required: true,
        $ref: './custom-agent',
      },
    ],
  },
};

export default file;
