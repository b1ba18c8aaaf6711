/**
 * Our own favicon (a package box on a teal tile), drawn in code at startup: a 32×32 32-bit ICO.
 * (Elastic's icon is not ours to ship.)
 */

function pixel(x: number, y: number): [number, number, number, number] {
  // rounded tile
  const r = 6;
  const cx = x < r ? r : x > 31 - r ? 31 - r : x;
  const cy = y < r ? r : y > 31 - r ? 31 - r : y;
  const inside = (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  if (!inside) return [0, 0, 0, 0];
  const teal: [number, number, number, number] = [0x0b, 0x7a, 0x75, 0xff];
  const white: [number, number, number, number] = [0xff, 0xff, 0xff, 0xff];
  const light: [number, number, number, number] = [0xc8, 0xef, 0xea, 0xff];
  // box: lid (y 8..12) and body (y 13..24), x 7..24, with a tape stripe in the middle
  if (x >= 7 && x <= 24 && y >= 8 && y <= 12) return x >= 15 && x <= 16 ? light : white;
  if (x >= 8 && x <= 23 && y >= 14 && y <= 24) return x >= 15 && x <= 16 && y <= 18 ? light : white;
  return teal;
}

function buildIco(): Buffer {
  const w = 32;
  const h = 32;
  const xor = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [r, g, b, a] = pixel(x, y);
      const o = ((h - 1 - y) * w + x) * 4; // bottom-up rows, BGRA
      xor[o] = b;
      xor[o + 1] = g;
      xor[o + 2] = r;
      xor[o + 3] = a;
    }
  }
  const andMask = Buffer.alloc(h * 4); // 32 bits per row, all opaque (alpha channel decides)
  const bih = Buffer.alloc(40);
  bih.writeUInt32LE(40, 0);
  bih.writeInt32LE(w, 4);
  bih.writeInt32LE(h * 2, 8);
  bih.writeUInt16LE(1, 12);
  bih.writeUInt16LE(32, 14);
  bih.writeUInt32LE(0, 16);
  bih.writeUInt32LE(xor.length + andMask.length, 20);
  const image = Buffer.concat([bih, xor, andMask]);
  const dir = Buffer.alloc(6 + 16);
  dir.writeUInt16LE(0, 0);
  dir.writeUInt16LE(1, 2);
  dir.writeUInt16LE(1, 4);
  dir.writeUInt8(w, 6);
  dir.writeUInt8(h, 7);
  dir.writeUInt8(0, 8);
  dir.writeUInt8(0, 9);
  dir.writeUInt16LE(1, 10);
  dir.writeUInt16LE(32, 12);
  dir.writeUInt32LE(image.length, 14);
  dir.writeUInt32LE(6 + 16, 18);
  return Buffer.concat([dir, image]);
}

export const FAVICON: Buffer = buildIco();
