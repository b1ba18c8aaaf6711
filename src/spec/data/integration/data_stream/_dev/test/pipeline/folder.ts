/** package-spec `spec/integration/data_stream/_dev/test/pipeline/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    contents: [
      {
        type: 'file',
        pattern: '^test-[a-z0-9-]+\\.json$',
        contentMediaType: 'application/json',
        required: false,
        $ref: './event',
      },
      { type: 'file', pattern: '^test-[a-z0-9-]+\\.log$', required: false },
      {
        type: 'file',
        pattern: '^test-[a-z0-9-]+\\.log-config\\.yml$',
        contentMediaType: 'application/x-yaml',
        required: false,
        $ref: './config_raw',
      },
      {
        type: 'file',
        pattern: '^test-[a-z0-9-]+\\.json-config\\.yml$',
        contentMediaType: 'application/x-yaml',
        required: false,
        $ref: './config_json',
      },
      {
        type: 'file',
        name: 'test-common-config.yml',
        contentMediaType: 'application/x-yaml',
        required: false,
        $ref: './common_config',
      },
      {
        type: 'file',
        pattern: '^test-[a-z0-9-]+\\.(json|log)-expected\\.json$',
        contentMediaType: 'application/json',
        required: false,
        $ref: './expected',
      },
    ],
  },
};

export default file;
