import type { FolderSpecFile } from '../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: { additionalContents: true },
};

export default file;
