/** package-spec `spec/integration/_dev/benchmark/deploy/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    required: false,
    contents: [
      { type: 'folder', name: 'docker', $ref: '../../deploy/docker/folder' },
      { type: 'folder', name: 'tf', $ref: '../../deploy/tf/folder' },
      { type: 'folder', name: 'k8s', $ref: '../../deploy/k8s/folder' },
      {
        type: 'file',
        name: 'variants.yml',
        contentMediaType: 'application/x-yaml',
        required: false,
        $ref: '../../deploy/variants',
      },
    ],
  },
};

export default file;
