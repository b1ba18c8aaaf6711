/** package-spec `spec/integration/_dev/deploy/tf/files/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    contents: [
      { type: 'file', contentMediaType: 'text/plain', pattern: '^.*\\.(log|conf)$', required: false },
      { type: 'file', contentMediaType: 'application/x-yaml', pattern: '^.*\\.(yml|yaml)$', required: false },
      { type: 'file', contentMediaType: 'application/json', pattern: '^.*\\.json$', required: false },
      { type: 'file', pattern: '^.*\\.parquet$', required: false },
      { type: 'file', contentMediaType: 'text/csv', pattern: '^.*\\.csv$', required: false },
      { type: 'file', pattern: '^.*\\.gz$', required: false },
    ],
  },
};

export default file;
