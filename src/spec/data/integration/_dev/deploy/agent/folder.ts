/** package-spec `spec/integration/_dev/deploy/agent/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
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
