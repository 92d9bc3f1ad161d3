/**
 * How a report names its day, saying each thing once. Mission files often repeat themselves:
 * stage 1 of the Tour is `stage = 1`, `name = "Stage 1: Lille Métropole → Lille Métropole"`,
 * `start = finish = "Lille Métropole"`; the heading of that day is "Stage 1 · Lille Métropole (flat)".
 * Pure.
 */
import type { DecisionKind, MissionDay, StageType } from '../domain/types';

export interface DayHeading {
  /** "Stage 1", "Rest day", or null when the name says it all (day-offset missions). */
  head: string | null;
  /** The day's own name, without what head and route already say; null when nothing is left. */
  title: string | null;
  /** "Lauwin-Planque → Boulogne-sur-Mer", or one place for a loop; null when the title names it. */
  route: string | null;
  /** The day's type when no other part says it (never "rest": head or title say that). */
  type: StageType | null;
  /** All of it on one line: "Stage 2 · Lauwin-Planque → Boulogne-sur-Mer (hilly)". */
  label: string;
}

/** Lower case, one space, and every way of writing "from → to" written the same. */
function norm(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/\s*(?:→|›|->|>|–|—|\s-\s|\sto\s)\s*/g, ' → ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** `name` without a leading `head` and its separator ("Stage 1: …", "Rest day - …"). */
function withoutHead(name: string, head: string): string {
  const n = name.trim();
  if (!n.toLowerCase().startsWith(head.toLowerCase())) return n;
  const rest = n.slice(head.length);
  if (rest !== '' && !/^\s*[:·\-–—,]|^\s/.test(rest)) return n; // "Stage 12" is not "Stage 1" + "2"
  return rest.replace(/^\s*[:·\-–—,]?\s*/, '');
}

function mentions(text: string, word: string): boolean {
  return new RegExp(`(^|[^\\p{L}\\p{N}])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}\\p{N}])`, 'iu').test(text);
}

export function dayHeading(day: MissionDay): DayHeading {
  const stageHead = day.stage != null ? `Stage ${day.stage}` : null;
  let head = stageHead ?? (day.type === 'rest' ? 'Rest day' : null);
  let title: string | null = head ? withoutHead(day.name ?? '', head) : (day.name ?? '').trim();
  const start = day.start?.trim() || null;
  const finish = day.finish?.trim() || null;
  const loop = start != null && finish != null && norm(start) === norm(finish);
  let route = start && finish ? (loop ? start : `${start} → ${finish}`) : (start ?? finish);
  if (title) {
    const t = norm(title);
    const spelled = start && finish ? [norm(route!), norm(`${start} → ${finish}`)] : route ? [norm(route)] : [];
    if (spelled.includes(t)) title = null;
    else if (route && [start, finish].every((place) => !place || t.includes(norm(place)))) route = null;
  }
  if (!title) title = null;
  // A rest day whose name says "rest" needs no "Rest day" in front.
  if (!stageHead && head && title && mentions(title, 'rest')) head = null;
  const type = day.type !== 'rest' && !(title && mentions(title, day.type)) ? day.type : null;
  const line = [head, title, route].filter(Boolean).join(' · ') || `Day ${day.index + 1}`;
  return { head, title, route, type, label: type ? `${line} (${type})` : line };
}

/** "Stage 5 · Caen time trial (itt)", "Rest day · Toulouse", "Week 1 Tue: sweet-spot (hilly)". */
export function stageLabel(day: MissionDay): string {
  return dayHeading(day).label;
}

/** The shortest name of the day, for an SMS: "Stage 5", "Rest day", "Day 3". */
export function shortDayLabel(day: MissionDay): string {
  return day.stage != null ? `Stage ${day.stage}` : day.type === 'rest' ? 'Rest day' : `Day ${day.index + 1}`;
}

/** On a planned rest day the decision "rest" adds nothing to a heading; any other decision does. */
export function decisionAddsToHeading(day: MissionDay, decision: DecisionKind): boolean {
  return !(day.type === 'rest' && decision === 'rest');
}
