/**
 * Patch ids of changes to running workflow code (see "Changing workflow code" in the README).
 * A history recorded before a patch replays through the old branch; a live run takes the new one.
 */

/**
 * v3: missions travel as data (no file path), days run by key, overrides are recorded before they
 * apply, run-now requests live in the carried state, webhook events can start a day early.
 */
export const MISSIONS_AS_DATA = 'missions-as-data';
