/**
 * TOML files must be UTF-8. These checks find where a file is not: a byte that is not UTF-8, a
 * byte order mark, a NUL byte (binary data, or UTF-16), so the user gets that said with the byte
 * offset and line instead of a TOML syntax error somewhere after it.
 */

export interface EncodingFault {
  /** 0-based byte offset in the file. */
  offset: number;
  /** 1-based line of that byte. */
  line: number;
  /** What is wrong, ending with what is accepted. */
  message: string;
}

/** A UTF-16 surrogate without its pair: JS text that no UTF-8 file can hold (nor a hash tell apart). */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const SAVE_AS_UTF8 = 'TOML files must be UTF-8 (in an editor: save with the encoding "UTF-8")';

/** Offset of the first byte that does not start (or continue) a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    const size = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (size === 0 || i + size > bytes.length) return i;
    let codePoint = lead & (0xff >> (size + 1));
    for (let k = 1; k < size; k++) {
      const next = bytes[i + k];
      if ((next & 0xc0) !== 0x80) return i;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    const shortest = size === 2 ? 0x80 : size === 3 ? 0x800 : 0x10000;
    if (codePoint < shortest || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return i;
    i += size;
  }
  return -1;
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

const hex = (b: number): string => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;

/** Why these bytes are not a UTF-8 text file, or null when they are. */
export function bytesFault(bytes: Uint8Array): EncodingFault | null {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { offset: 0, line: 1, message: `the file is UTF-16 (it starts with the byte order mark ${hex(bytes[0])} ${hex(bytes[1])}); ${SAVE_AS_UTF8}` };
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) return { offset: bad, line: lineAt(bytes, bad), message: `byte ${hex(bytes[bad])} at offset ${bad} is not UTF-8; ${SAVE_AS_UTF8}` };
  return null;
}

/** Why this text is not what a UTF-8 TOML file can hold, or null: a BOM, a NUL, a lone surrogate. */
export function textFault(text: string): EncodingFault | null {
  const at = (index: number): { offset: number; line: number } => {
    const before = text.slice(0, index);
    return { offset: Buffer.byteLength(before, 'utf8'), line: before.split('\n').length };
  };
  if (text.startsWith('\uFEFF')) {
    return { offset: 0, line: 1, message: 'the file starts with a byte order mark (BOM, 0xEF 0xBB 0xBF); TOML files must be UTF-8 without a BOM (in an editor: save as "UTF-8", not "UTF-8 with BOM")' };
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    const where = at(nul);
    return { ...where, message: `a NUL byte at offset ${where.offset}: this is not a text file (a UTF-16 file has one in every other byte); ${SAVE_AS_UTF8}` };
  }
  const lone = LONE_SURROGATE.exec(text);
  if (lone) {
    const where = at(lone.index);
    return { ...where, message: `a lone UTF-16 surrogate at offset ${where.offset}, which UTF-8 cannot hold; ${SAVE_AS_UTF8}` };
  }
  return null;
}
