/** package-spec `spec/integration/data_stream/_dev/benchmark/pipeline/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    contents: [
      {
        type: 'file',
        pattern: '^[a-z0-9-]+\\.json$',
        contentMediaType: 'application/json',
        required: false,
        $ref: './event',
      },
      { type: 'file', pattern: '^[a-z0-9-]+\\.log$', required: false },
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
