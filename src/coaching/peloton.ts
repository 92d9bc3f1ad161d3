/**
 * Peloton class matching: a scorer on discipline, class type, duration and intensity that returns
 * the top three suggestions with a `why`, over the class library synced from Peloton's cycling
 * archive into PostgreSQL (`lanterne peloton sync`, peloton-archive.ts: real classes, with their
 * instructor and link) when there is one, else over the offline demo catalogue
 * (data/peloton-catalogue.json: made-up examples, marked "demo catalogue — not real classes"
 * wherever they are shown).
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ClassSuggestion, Decision, DecisionKind, Discipline, StageType } from '../domain/types';
import { projectRoot } from '../infra/project-paths';
import { INTENSITY_CAPS } from './workout-validation';

export const pelotonClassSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{32}$/, 'a 32-character lowercase hex id'),
  title: z.string().min(1),
  durationMin: z.number().int().positive(),
  discipline: z.literal('cycling'),
  classType: z.string().min(1),
  classTypeId: z.string().regex(/^[0-9a-f]{32}$/).nullable(),
  subtype: z.string().nullable(),
  difficulty: z.number().min(0).max(10).nullable(),
  primaryZones: z.tuple([z.number().int().min(1).max(7), z.number().int().min(1).max(7)]),
  estIf: z.number().min(0.3).max(1.3),
  estTss: z.number().min(0),
  isFtpTest: z.boolean(),
});
export type PelotonClass = z.infer<typeof pelotonClassSchema>;

/** A real class of Peloton's archive, as the library stores it: the catalogue fields and who teaches it, when it aired, where it opens. */
export interface LibraryClass extends PelotonClass {
  instructorId: string | null;
  instructor: string | null;
  /** Original air time, ISO-8601 (null when the archive did not say). */
  airTime: string | null;
  url: string;
}

/** Either a library class or a demo one; only library classes have a link. */
export type CatalogueClass = PelotonClass | LibraryClass;

export function isLibraryClass(c: CatalogueClass): c is LibraryClass {
  return typeof (c as Partial<LibraryClass>).url === 'string';
}

/** Said wherever a demo class is shown. */
export const DEMO_CATALOGUE_LABEL = 'demo catalogue — not real classes';

/** A suggestion from the demo catalogue (suggestions recorded before the library existed count as demo). */
export function isDemoSuggestion(s: Pick<ClassSuggestion, 'catalogue'>): boolean {
  return s.catalogue !== 'peloton';
}

/** Where a suggestion comes from, its instructor and link: filled for every suggestion made. */
function origin(c: CatalogueClass): Pick<ClassSuggestion, 'catalogue' | 'instructor' | 'url'> {
  return isLibraryClass(c) ? { catalogue: 'peloton', instructor: c.instructor, url: c.url } : { catalogue: 'demo', instructor: null, url: null };
}

const catalogueFileSchema = z.object({ description: z.string().optional(), classes: z.array(pelotonClassSchema).min(1) });

export function defaultCataloguePath(): string {
  return path.join(projectRoot(), 'data', 'peloton-catalogue.json');
}

/** Read and validate the offline catalogue; errors name the file and the bad field. */
export function loadOfflineCatalogue(file: string = defaultCataloguePath()): PelotonClass[] {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the Peloton catalogue ${file}: ${(err as Error).message}`);
  }
  const parsed = catalogueFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Peloton catalogue ${file}: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data.classes;
}

/** Formats a class is matched on: Power Zone's sub-formats count as their own format. */
export function classFormat(c: Pick<PelotonClass, 'classType' | 'subtype'>): string {
  if (c.classType === 'Power Zone' && c.subtype === 'Endurance') return 'Power Zone Endurance';
  if (c.classType === 'Power Zone' && c.subtype === 'Max') return 'Power Zone Max';
  return c.classType;
}

const STAGE_FORMATS: Record<StageType, string[]> = {
  flat: ['Power Zone Endurance', 'Pro Cyclist', 'Power Zone'],
  hilly: ['Intervals', 'Climb', 'Power Zone'],
  mountain: ['Climb', 'Power Zone', 'Pro Cyclist'],
  itt: ['Power Zone', 'Power Zone Max', 'Intervals'],
  ttt: ['Power Zone Max', 'Intervals', 'Power Zone'],
  rest: ['Low Impact', 'Recovery', 'Beginner'],
};

const FORMAT_REASONS: Record<string, string> = {
  'Power Zone Endurance': 'steady endurance in power zones 2–3',
  'Pro Cyclist': 'a road-racing style ride',
  'Power Zone': 'structured power-zone work',
  'Power Zone Max': 'hard efforts up to zone 7',
  Intervals: 'repeated hard efforts like short climbs',
  Climb: 'long seated and standing climbs',
  'Low Impact': 'an easy low-impact ride',
  Recovery: 'a recovery ride',
  Beginner: 'a gentle ride',
};

/** Class formats that fit a decision on a stage type, best first. */
export function preferredFormats(decision: DecisionKind, stage: StageType): string[] {
  if (decision === 'recovery') return ['Recovery', 'Low Impact', 'Beginner'];
  if (decision === 'modify_intensity') return ['Power Zone Endurance', 'Low Impact', 'Beginner'];
  return STAGE_FORMATS[stage];
}

export interface ClassRequest {
  decision: Pick<Decision, 'decision' | 'tssBand' | 'maxDurationMin'> & Partial<Pick<Decision, 'state'>>;
  stageType: StageType;
  disciplines: Discipline[];
  /** Duration of the planned workout; defaults to the decision's maximum. */
  targetDurationMin?: number;
}

/** The longest optional spin offered on a rest day, and its intensity ceiling (IF). */
const REST_DAY_OPTION = { maxMin: 30, maxIf: 0.6 };

/**
 * On a rest day that rest is the plan for (readiness ready or caution), three optional easy spins
 * for an athlete who wants to move; none when the rest is for safety (strained, sick) or unknown.
 */
function restDayOptions(classes: readonly CatalogueClass[], req: ClassRequest): ClassSuggestion[] {
  const state = req.decision.state;
  if (state !== 'ready' && state !== 'caution') return [];
  return classes
    .filter((c) => c.discipline === 'cycling' && !c.isFtpTest && c.durationMin <= REST_DAY_OPTION.maxMin && c.estIf <= REST_DAY_OPTION.maxIf)
    .sort((a, b) => a.estIf - b.estIf || a.durationMin - b.durationMin || a.id.localeCompare(b.id))
    .slice(0, 3)
    .map((c, i) => ({
      id: c.id,
      title: c.title,
      durationMin: c.durationMin,
      classType: classFormat(c),
      score: Math.round((1 - i * 0.1) * 1000) / 1000,
      why: `Optional, only if you feel like moving: rest is today's plan. ${c.durationMin} min, est. IF ${c.estIf.toFixed(2)} (TSS ${c.estTss}), easy enough not to cost tomorrow.`,
      ...origin(c),
    }));
}

/** Score every class for the day and return the best three (optional easy spins on rest days; none without cycling). */
export function scoreClasses(classes: readonly CatalogueClass[], req: ClassRequest): ClassSuggestion[] {
  const kind = req.decision.decision;
  if (!req.disciplines.includes('cycling')) return [];
  if (kind === 'rest') return restDayOptions(classes, req);
  if (req.decision.maxDurationMin <= 0) return [];
  const formats = preferredFormats(kind, req.stageType);
  const target = Math.min(req.targetDurationMin ?? req.decision.maxDurationMin, req.decision.maxDurationMin);
  const bandMid = (req.decision.tssBand.min + req.decision.tssBand.max) / 2;
  const targetIf = Math.sqrt(bandMid / ((target / 60) * 100)) || 0.5;
  const cap = INTENSITY_CAPS[kind].pctFtp;

  const scored: ClassSuggestion[] = [];
  for (const c of classes) {
    if (c.discipline !== 'cycling' || c.isFtpTest) continue;
    if (c.durationMin > req.decision.maxDurationMin) continue;
    if (c.estIf > cap + 1e-9) continue;
    const format = classFormat(c);
    const rank = formats.indexOf(format);
    const typeScore = rank === 0 ? 1 : rank === 1 ? 0.75 : rank === 2 ? 0.5 : 0.1;
    const durationScore = Math.max(0, 1 - Math.abs(c.durationMin - target) / target);
    const intensityScore = Math.max(0, 1 - Math.abs(c.estIf - targetIf) / 0.2);
    const score = Math.round((0.45 * typeScore + 0.3 * durationScore + 0.25 * intensityScore) * 1000) / 1000;
    const fit = rank >= 0 ? `${FORMAT_REASONS[format] ?? format} for a ${kind === 'as_planned' || kind === 'reduce_volume' ? `${req.stageType} stage` : kind.replace('_', ' ') + ' day'}` : `${format}, not a usual match for today`;
    const why = `${fit}; ${c.durationMin} of your ${target} min; est. IF ${c.estIf.toFixed(2)} (TSS ${c.estTss}) against today's target IF ${targetIf.toFixed(2)}.`;
    scored.push({ id: c.id, title: c.title, durationMin: c.durationMin, classType: format, score, why: why.charAt(0).toUpperCase() + why.slice(1), ...origin(c) });
  }
  scored.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  return scored.slice(0, 3);
}

// ------------------------------------------------------------------ live source

/** Cycling class-type ids seen in public dumps of Peloton's ride filters (domain.md §3.3; unofficial). */
export const CLASS_TYPE_IDS: Record<string, string> = {
  '9f9be657134e4d868d76ae4988da01f1': 'Beginner',
  '59a49f882ea9475faa3110d50a8fb3f3': 'Low Impact',
  '665395ff3abf4081bf315686227d1a51': 'Power Zone',
  bf6639f2e50a4f0395cb1479542ed4bd: 'Climb',
  '7579b9edbdf9464fa19eb58193897a73': 'Intervals',
  '4228e9e57bf64c518d58a1d0181760c4': 'Pro Cyclist',
  '8c34b36dba084e22b91426621759230d': 'Heart Rate Zone',
  f10471dcd6a34e5f8ed54eb634b5df19: 'Theme',
  '9745b8e2cb274a28b096387073a5d993': 'Groove',
  '1b31748d30fa4e38b2782698bb831320': 'Metrics',
  c87e20095d80463db5ce04df7fe2b989: 'Music',
  a2ee6b0a98e2431baf60e5261b8605e2: 'Live DJ',
  '57dbf6f9a4904a9f80e302380855bdb7': 'Warm Up/Cool Down',
};

const FORMAT_ESTIMATES: Record<string, { estIf: number; zones: [number, number] }> = {
  Recovery: { estIf: 0.52, zones: [1, 2] },
  'Low Impact': { estIf: 0.6, zones: [2, 2] },
  Beginner: { estIf: 0.63, zones: [2, 3] },
  'Power Zone Endurance': { estIf: 0.71, zones: [2, 3] },
  'Power Zone': { estIf: 0.82, zones: [3, 5] },
  'Power Zone Max': { estIf: 0.86, zones: [4, 7] },
  Climb: { estIf: 0.82, zones: [3, 5] },
  Intervals: { estIf: 0.86, zones: [4, 7] },
  'Pro Cyclist': { estIf: 0.78, zones: [2, 4] },
  'Warm Up/Cool Down': { estIf: 0.55, zones: [1, 2] },
};

const liveRideSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{32}$/),
  title: z.string(),
  duration: z.number().positive(),
  fitness_discipline: z.string(),
  difficulty_estimate: z.number().nullable().optional(),
  class_type_ids: z.array(z.string()).optional(),
  is_ftp_test: z.boolean().optional(),
});

/** Turn one ride of `/api/v2/ride/archived` into a catalogue entry, estimating its intensity. */
export function classFromLiveRide(raw: unknown): PelotonClass | null {
  const parsed = liveRideSchema.safeParse(raw);
  if (!parsed.success || parsed.data.fitness_discipline !== 'cycling') return null;
  const ride = parsed.data;
  const typeId = (ride.class_type_ids ?? []).find((id) => CLASS_TYPE_IDS[id]) ?? null;
  let classType = typeId ? CLASS_TYPE_IDS[typeId] : 'Music';
  if (/recovery/i.test(ride.title)) classType = 'Recovery';
  const subtype = classType === 'Power Zone' ? (/endurance/i.test(ride.title) ? 'Endurance' : /max/i.test(ride.title) ? 'Max' : 'Power Zone') : null;
  const est = FORMAT_ESTIMATES[classFormat({ classType, subtype })] ?? { estIf: 0.75, zones: [2, 4] as [number, number] };
  const durationMin = Math.round(ride.duration / 60);
  return {
    id: ride.id,
    title: ride.title,
    durationMin,
    discipline: 'cycling',
    classType,
    classTypeId: typeId,
    subtype,
    difficulty: ride.difficulty_estimate ?? null,
    primaryZones: est.zones,
    estIf: est.estIf,
    estTss: Math.round((durationMin / 60) * est.estIf * est.estIf * 100),
    isFtpTest: ride.is_ftp_test ?? /ftp test/i.test(ride.title),
  };
}

export const DEFAULT_PELOTON_BASE_URL = 'https://api.onepeloton.com';

export interface ClassMatch {
  suggestions: ClassSuggestion[];
  /** `library`: real classes synced from Peloton's archive; `demo`: the offline catalogue's made-up ones. */
  source: 'library' | 'demo';
  /** Why the demo catalogue was used, that the library is stale, or why there is nothing to suggest. */
  note: string | null;
}

/** The synced library as matching sees it: its classes and when it was last synced. */
export interface ClassLibrary {
  classes: readonly LibraryClass[];
  syncedAt: string;
}

export interface MatchOptions {
  /** The demo catalogue (loadOfflineCatalogue()). */
  offline: readonly PelotonClass[];
  /** The library in PostgreSQL, or null when it was never synced. */
  library: ClassLibrary | null;
  /** Now, for the library's age (default Date.now()). */
  nowMs?: number;
}

/** A library older than this is said to be stale (it is meant to be synced weekly). */
export const LIBRARY_STALE_DAYS = 14;

/**
 * The day's top three classes: from the synced Peloton library when there is one (real classes,
 * with instructor and link), else from the demo catalogue, and the note says which and why.
 */
export async function matchClasses(req: ClassRequest, opts: MatchOptions): Promise<ClassMatch> {
  const lib = opts.library && opts.library.classes.length > 0 ? opts.library : null;
  let note: string | null;
  let suggestions: ClassSuggestion[];
  let source: ClassMatch['source'];
  if (lib) {
    source = 'library';
    suggestions = scoreClasses(lib.classes, req);
    const ageDays = Math.floor(((opts.nowMs ?? Date.now()) - Date.parse(lib.syncedAt)) / 86_400_000);
    note = ageDays > LIBRARY_STALE_DAYS ? `Peloton library last synced ${ageDays} days ago: run \`lanterne peloton sync\`` : null;
  } else {
    source = 'demo';
    suggestions = scoreClasses(opts.offline, req);
    note = `${DEMO_CATALOGUE_LABEL}: no Peloton library is synced (set PELOTON_BEARER_TOKEN and run \`lanterne peloton sync\`)`;
  }
  if (suggestions.length === 0) {
    const why = req.decision.decision === 'rest' ? 'rest day: no class suggested' : !req.disciplines.includes('cycling') ? 'the athlete does not ride: no cycling class suggested' : 'no class fits the time available';
    note = note ? `${note}; ${why}` : why;
  }
  return { suggestions, source, note };
}
