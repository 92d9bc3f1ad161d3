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
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}
