/** package-spec `spec/content/_dev/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    developmentFolder: true,
    contents: [
      { type: 'folder', name: 'build', required: false, $ref: '../../integration/_dev/build/folder' },
      { type: 'folder', name: 'shared', required: false, $ref: '../../integration/_dev/shared/folder' },
      { type: 'folder', name: 'scripts', required: false, $ref: '../../integration/_dev/scripts/folder' },
    ],
  },
};

export default file;
