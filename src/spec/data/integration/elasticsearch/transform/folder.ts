/** package-spec `spec/integration/elasticsearch/transform/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    contents: [
      {
        type: 'folder',
        pattern: '^[a-z0-9_]+$',
        contents: [
          {
            type: 'file',
            required: true,
            contentMediaType: 'application/x-yaml',
            name: 'transform.yml',
            $ref: './transform',
          },
          {
            type: 'file',
            contentMediaType: 'application/x-yaml',
            sizeLimit: '5MB',
            name: 'manifest.yml',
            required: false,
            $ref: './manifest',
          },
          { type: 'folder', name: 'fields', required: false, $ref: '../../data_stream/fields/folder' },
        ],
      },
    ],
  },
};

export default file;
