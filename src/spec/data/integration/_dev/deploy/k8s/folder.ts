/** package-spec `spec/integration/_dev/deploy/k8s/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    contents: [
      { pattern: '^.*\\.yaml$', type: 'file', contentMediaType: 'application/x-yaml', required: false },
      { type: 'file', name: '.empty', required: false },
    ],
  },
};

export default file;
