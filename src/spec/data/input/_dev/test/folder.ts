/** package-spec `spec/input/_dev/test/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    contents: [
      {
        type: 'folder',
        name: 'system',
        required: false,
        $ref: '../../../integration/data_stream/_dev/test/system/folder',
      },
      {
        type: 'folder',
        name: 'policy',
        required: false,
        $ref: '../../../integration/data_stream/_dev/test/policy/folder',
      },
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
