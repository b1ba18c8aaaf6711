/** package-spec `spec/integration/_dev/deploy/docker/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: true,
    contents: [
      { type: 'file', name: 'docker-compose.yml', contentMediaType: 'application/x-yaml', required: true },
    ],
  },
};

export default file;
