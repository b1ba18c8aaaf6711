/** package-spec `spec/integration/_dev/scripts/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: { additionalContents: true },
};

export default file;
