/** package-spec `spec/content/elasticsearch/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    contents: [
      {
        type: 'folder',
        name: 'esql_view',
        required: false,
        contents: [
          {
            type: 'file',
            pattern: '^.+\\.yml$',
            contentMediaType: 'application/x-yaml',
            required: false,
            $ref: '../../integration/elasticsearch/view',
          },
        ],
      },
    ],
  },
};

export default file;
