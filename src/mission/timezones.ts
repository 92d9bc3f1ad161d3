/** IANA timezone names for mission validation (calendar arithmetic is in src/domain/iso-date). */

/** The list of zones this runtime knows, for suggestions. */
export function knownTimezones(): string[] {
  return Intl.supportedValuesOf('timeZone');
}

/**
 * The canonical IANA name of `name` when the runtime knows it as a zone name (not a UTC offset
 * such as "+01:00"), else null.
 */
export function canonicalTimezone(name: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return null;
  const known = canonicalNames.get(name);
  if (known !== undefined) return known;
  try {
    const canonical = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    if (canonicalNames.size >= 2000) canonicalNames.clear(); // spellings are many (`europe/PARIS`): keep a few
    canonicalNames.set(name, canonical);
    return canonical;
  } catch {
    return null;
  }
}

/** Creating an Intl.DateTimeFormat costs about a millisecond: names the runtime knows are kept. */
const canonicalNames = new Map<string, string>();
