/** A stable fingerprint of a mission, to tell whether a stored mission still matches its file. */
import { createHash } from 'node:crypto';
import type { MissionConfig } from '../domain/types';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** JSON of the mission with object keys sorted at every level and no whitespace. */
export function canonicalMissionJson(config: MissionConfig): string {
  return JSON.stringify(sortKeys(config));
}

/** sha256 (hex) of the canonical JSON. */
export function missionHash(config: MissionConfig): string {
  return createHash('sha256').update(canonicalMissionJson(config)).digest('hex');
}
