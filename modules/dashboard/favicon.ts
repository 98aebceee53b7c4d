/** The icon's side, in pixels: the size a browser tab draws. */
const SIDE = 16;

/**
 * A 16×16 ICO (one 32-bit BMP image): a ring in the page header's colour on a transparent ground, so a browser's
 * request for `/favicon.ico` is answered with an icon rather than a 404 in the log.
 */
function buildFavicon(): Uint8Array<ArrayBuffer> {
  const pixels = SIDE * SIDE * 4;
  const mask = SIDE * 4; // 1-bit AND mask, rows padded to 32 bits; all zero, the alpha channel decides
  const bmp = 40 + pixels + mask;
  const buf = Buffer.alloc(6 + 16 + bmp);
  buf.writeUInt16LE(0, 0);
  buf.writeUInt16LE(1, 2); // type: icon
  buf.writeUInt16LE(1, 4); // one image
  buf.writeUInt8(SIDE, 6);
  buf.writeUInt8(SIDE, 7);
  buf.writeUInt16LE(1, 10); // planes
  buf.writeUInt16LE(32, 12); // bits per pixel
  buf.writeUInt32LE(bmp, 14);
  buf.writeUInt32LE(22, 18);
  const h = 22;
  buf.writeUInt32LE(40, h);
  buf.writeInt32LE(SIDE, h + 4);
  buf.writeInt32LE(SIDE * 2, h + 8); // the image and its mask, stacked
  buf.writeUInt16LE(1, h + 12);
  buf.writeUInt16LE(32, h + 14);
  buf.writeUInt32LE(pixels + mask, h + 20);
  const c = (SIDE - 1) / 2;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const d = Math.hypot(x - c, y - c);
      const on = d <= 7.5 && d >= 3.5;
      // BMP rows run bottom up, pixels are BGRA.
      const o = h + 40 + ((SIDE - 1 - y) * SIDE + x) * 4;
      if (on) buf.set([0x4a, 0x3a, 0x2b, 0xff], o);
    }
  }
  return new Uint8Array(buf);
}

/** The icon `/favicon.ico` answers, built once. */
export const FAVICON: Uint8Array<ArrayBuffer> = buildFavicon();
