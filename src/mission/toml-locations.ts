/**
 * Where each key of a TOML document is written: a small scanner that follows tables, arrays of
 * tables, dotted keys, inline tables and arrays, and records the line and raw text of every value.
 * It runs only on documents that smol-toml has already parsed, so it can be lenient.
 */
import { formatKeyPath, type KeyPath } from './key-path';

export interface KeyLocation {
  /** 1-based line of the key (or of the array element). */
  line: number;
  /** The value as written, e.g. `2025-02-30`, `"hily"`, `[12, 18]`. */
  raw: string;
}

export class TomlLocations {
  constructor(private readonly entries: ReadonlyMap<string, KeyLocation>) {}

  /** Line of the key path, or of its nearest written ancestor (a table header), or null. */
  lineOf(path: KeyPath): number | null {
    for (let n = path.length; n > 0; n--) {
      const hit = this.entries.get(formatKeyPath(path.slice(0, n)));
      if (hit) return hit.line;
    }
    return null;
  }

  /** The value exactly as written at this key path, when it is written there. */
  rawOf(path: KeyPath): string | null {
    return this.entries.get(formatKeyPath(path))?.raw ?? null;
  }
}

export function locateKeys(source: string): TomlLocations {
  const entries = new Map<string, KeyLocation>();
  const arrayTableCounts = new Map<string, number>();
  let i = 0;
  let line = 1;

  const record = (path: KeyPath, at: number, raw: string): void => {
    const key = formatKeyPath(path);
    if (!entries.has(key)) entries.set(key, { line: at, raw });
  };
  const peek = (s: string): boolean => source.startsWith(s, i);
  const advance = (n = 1): void => {
    for (let k = 0; k < n && i < source.length; k++, i++) if (source[i] === '\n') line++;
  };
  const skipInline = (): void => {
    while (i < source.length && (source[i] === ' ' || source[i] === '\t')) i++;
  };
  const skipComment = (): void => {
    if (source[i] === '#') while (i < source.length && source[i] !== '\n') i++;
  };
  /** Whitespace, newlines and comments. */
  const skipAll = (): void => {
    for (;;) {
      skipInline();
      if (source[i] === '#') skipComment();
      else if (source[i] === '\n' || source[i] === '\r') advance();
      else return;
    }
  };

  const readString = (): string => {
    const begin = i;
    if (peek('"""') || peek("'''")) {
      const quote = source.slice(i, i + 3);
      advance(3);
      while (i < source.length && !peek(quote)) advance(source[i] === '\\' && quote === '"""' ? 2 : 1);
      advance(3);
      while (source[i] === quote[0]) advance(); // up to two quotes may close the string
    } else {
      const quote = source[i];
      advance();
      while (i < source.length && source[i] !== quote && source[i] !== '\n') advance(source[i] === '\\' && quote === '"' ? 2 : 1);
      advance();
    }
    return source.slice(begin, i);
  };

  const unquote = (raw: string): string => {
    if (raw.startsWith("'")) return raw.slice(1, -1);
    try {
      return JSON.parse(raw) as string;
    } catch {
      return raw.slice(1, -1);
    }
  };

  const readKey = (): string[] => {
    const segments: string[] = [];
    for (;;) {
      skipInline();
      if (source[i] === '"' || source[i] === "'") segments.push(unquote(readString()));
      else {
        const begin = i;
        while (i < source.length && /[A-Za-z0-9_-]/.test(source[i])) i++;
        segments.push(source.slice(begin, i));
      }
      skipInline();
      if (source[i] !== '.') return segments;
      i++;
    }
  };

  const readValue = (path: KeyPath, keyLine: number): void => {
    const begin = i;
    const startLine = line;
    if (source[i] === '"' || source[i] === "'") {
      record(path, keyLine, readString());
    } else if (source[i] === '[') {
      advance();
      let index = 0;
      for (;;) {
        skipAll();
        if (i >= source.length || source[i] === ']') break;
        readValue([...path, index], line);
        skipAll();
        if (source[i] === ',') advance();
        index++;
      }
      advance();
      record(path, keyLine === startLine ? keyLine : startLine, source.slice(begin, i));
    } else if (source[i] === '{') {
      advance();
      for (;;) {
        skipAll();
        if (i >= source.length || source[i] === '}') break;
        const innerLine = line;
        const key = readKey();
        if (source[i] === '=') i++;
        skipInline();
        readValue([...path, ...key], innerLine);
        skipAll();
        if (source[i] === ',') advance();
      }
      advance();
      record(path, keyLine, source.slice(begin, i));
    } else {
      while (i < source.length && !',]}#\n\r'.includes(source[i])) i++;
      record(path, keyLine, source.slice(begin, i).trim());
    }
  };

  /** Turns header keys into a path, entering the latest element of arrays of tables. */
  const resolve = (segments: string[]): (string | number)[] => {
    const out: (string | number)[] = [];
    for (const seg of segments) {
      out.push(seg);
      const count = arrayTableCounts.get(formatKeyPath(out));
      if (count !== undefined) out.push(count - 1);
    }
    return out;
  };

  let table: (string | number)[] = [];
  while (i < source.length) {
    skipAll();
    if (i >= source.length) break;
    const headerLine = line;
    if (peek('[[')) {
      i += 2;
      const segments = readKey();
      const parent = resolve(segments.slice(0, -1));
      const arrayPath = [...parent, segments[segments.length - 1]];
      const key = formatKeyPath(arrayPath);
      const count = (arrayTableCounts.get(key) ?? 0) + 1;
      arrayTableCounts.set(key, count);
      table = [...arrayPath, count - 1];
      record(arrayPath, headerLine, '');
      record(table, headerLine, '');
      if (peek(']]')) i += 2;
    } else if (source[i] === '[') {
      i++;
      table = resolve(readKey());
      record(table, headerLine, '');
      if (source[i] === ']') i++;
    } else {
      const key = readKey();
      if (source[i] === '=') i++;
      skipInline();
      readValue([...table, ...key], headerLine);
    }
    // Rest of the line (a comment), then on to the next statement.
    skipInline();
    skipComment();
    if (i < source.length && source[i] !== '\n' && source[i] !== '\r') i++; // never loop forever
  }
  return new TomlLocations(entries);
}
