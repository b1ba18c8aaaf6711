/** package-spec `spec/integration/data_stream/_dev/test/static/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    contents: [
      {
        type: 'file',
        pattern: '^test-[a-z0-9_.-]+-config\\.yml$',
        contentMediaType: 'application/x-yaml',
        required: false,
        $ref: './config',
      },
    ],
  },
};

export default file;
