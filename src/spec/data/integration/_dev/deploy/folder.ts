/** package-spec `spec/integration/_dev/deploy/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    contents: [
      { type: 'folder', name: 'docker', $ref: './docker/folder' },
      { type: 'folder', name: 'tf', $ref: './tf/folder' },
      { type: 'folder', name: 'agent', $ref: './agent/folder' },
      { type: 'folder', name: 'k8s', $ref: './k8s/folder' },
      {
        type: 'file',
        name: 'variants.yml',
        contentMediaType: 'application/x-yaml',
        required: false,
        $ref: './variants',
      },
    ],
  },
};

export default file;
