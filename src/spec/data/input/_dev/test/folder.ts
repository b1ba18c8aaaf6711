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
