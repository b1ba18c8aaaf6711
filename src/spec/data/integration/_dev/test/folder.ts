/** package-spec `spec/integration/_dev/test/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    contents: [
      {
        type: 'file',
        name: 'config.yml',
        contentMediaType: 'application/x-yaml',
        required: false,
        $ref: './config',
      },
    ],
  },
};

export default file;
