/** package-spec `spec/integration/data_stream/_dev/test/scripts/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
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
