/** package-spec `spec/integration/data_stream/fields/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    contents: [
      {
        type: 'file',
        pattern: '^[a-z0-9][a-z0-9_-]+[a-z0-9]\\.yml$',
        required: true,
        contentMediaType: 'application/x-yaml',
        allowLink: true,
        $ref: './fields',
      },
    ],
  },
};

export default file;
