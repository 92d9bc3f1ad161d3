/** Calendar operations on a loaded mission. */
import type { IsoDate, MissionConfig, MissionDay } from '../domain/types';
import { addDays, daysBetween, isIsoDate } from '../domain/iso-date';

/**
 * The same mission starting on `newStartDate`: every day moves by the same number of days
 * ("start from today"). Returns a new object; the input is not changed.
 */
export function shiftMission(config: MissionConfig, newStartDate: IsoDate): MissionConfig {
  if (!isIsoDate(newStartDate)) {
    throw new RangeError(`new start date ${JSON.stringify(newStartDate)} is not a calendar date; accepted: YYYY-MM-DD`);
  }
  const offset = daysBetween(config.startDate, newStartDate);
  return {
    ...config,
    startDate: newStartDate,
    days: config.days.map((day) => ({ ...day, training: { ...day.training }, date: addDays(day.date, offset) })),
  };
}

/** The mission day on `date`, or null when the date is outside the mission. */
export function dayForDate(config: MissionConfig, date: IsoDate): MissionDay | null {
  if (!isIsoDate(date) || config.days.length === 0) return null;
  const index = daysBetween(config.startDate, date);
  const candidate = config.days[index];
  if (candidate !== undefined && candidate.date === date) return candidate;
  return config.days.find((d) => d.date === date) ?? null;
}

/** The last date of the mission. */
export function missionEndDate(config: MissionConfig): IsoDate {
  return config.days[config.days.length - 1]?.date ?? config.startDate;
}
