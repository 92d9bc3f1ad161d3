/**
 * The end-of-mission (block) summary: days, decisions, total TSS, CTL start → end and compliance,
 * rendered like the daily report (Markdown, standalone HTML, JSON). Pure.
 */
import { DECISIONS, type Completion, type DecisionKind, type IsoDate } from '../domain/types';
import type { RenderedReport } from './report-model';
import { decisionLabel } from './report';
import { trainingLoadChart } from './svg-charts';
import { escapeHtml as h, escapeMarkdown as md } from './text-escape';

export const BLOCK_SUMMARY_SCHEMA = 'lanterne.block-summary/v1';

export interface BlockDay {
  date: IsoDate;
  stage: number | null;
  decision: DecisionKind;
  /** TSS of the planned workout (0 or null on rest days). */
  plannedTss: number | null;
  /** TSS actually ridden that day, when known. */
  actualTss: number | null;
  ctl: number | null;
  atl?: number | null;
  tsb?: number | null;
  /** The athlete's reflection for the day; null when none was given. */
  completed: Completion | null;
}

export interface BlockSummaryInput {
  mission: { id: string; name: string };
  athlete: { handle: string };
  days: BlockDay[];
}

export interface BlockSummary {
  mission: { id: string; name: string };
  athlete: { handle: string };
  firstDate: IsoDate | null;
  lastDate: IsoDate | null;
  days: number;
  decisions: Record<DecisionKind, number>;
  totalPlannedTss: number;
  /** null when no day had an actual TSS. */
  totalActualTss: number | null;
  ctlStart: number | null;
  ctlEnd: number | null;
  ctlChange: number | null;
  compliance: {
    /** Training days (decision other than rest). */
    trainingDays: number;
    yes: number;
    partly: number;
    no: number;
    unreported: number;
    /** (yes + ½·partly) / reported training days; null when nothing was reported. */
    rate: number | null;
  };
}

export function summariseBlock(input: BlockSummaryInput): BlockSummary {
  const days = [...input.days].sort((a, b) => a.date.localeCompare(b.date));
  const decisions = Object.fromEntries(DECISIONS.map((k) => [k, 0])) as Record<DecisionKind, number>;
  for (const d of days) decisions[d.decision] += 1;
  const actual = days.filter((d) => d.actualTss != null);
  const ctls = days.filter((d) => d.ctl != null);
  const ctlStart = ctls.length ? ctls[0]!.ctl : null;
  const ctlEnd = ctls.length ? ctls[ctls.length - 1]!.ctl : null;
  const training = days.filter((d) => d.decision !== 'rest');
  const count = (c: Completion): number => training.filter((d) => d.completed === c).length;
  const yes = count('yes');
  const partly = count('partly');
  const no = count('no');
  const reported = yes + partly + no;
  return {
    mission: { ...input.mission },
    athlete: { ...input.athlete },
    firstDate: days[0]?.date ?? null,
    lastDate: days[days.length - 1]?.date ?? null,
    days: days.length,
    decisions,
    totalPlannedTss: round1(days.reduce((s, d) => s + (d.plannedTss ?? 0), 0)),
    totalActualTss: actual.length ? round1(actual.reduce((s, d) => s + (d.actualTss ?? 0), 0)) : null,
    ctlStart,
    ctlEnd,
    ctlChange: ctlStart != null && ctlEnd != null ? round1(ctlEnd - ctlStart) : null,
    compliance: {
      trainingDays: training.length,
      yes,
      partly,
      no,
      unreported: training.length - reported,
      rate: reported ? Math.round(((yes + partly / 2) / reported) * 1000) / 1000 : null,
    },
  };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function fmt(n: number | null): string {
  return n == null ? '—' : String(round1(n));
}

function rate(n: number | null): string {
  return n == null ? '—' : `${Math.round(n * 100)} %`;
}

function lines(s: BlockSummary): { k: string; v: string }[] {
  const c = s.compliance;
  return [
    { k: 'Dates', v: s.firstDate ? `${s.firstDate} → ${s.lastDate}` : '—' },
    { k: 'Days', v: String(s.days) },
    {
      k: 'Decisions',
      v: DECISIONS.filter((k) => s.decisions[k] > 0)
        .map((k) => `${decisionLabel(k)} ${s.decisions[k]}`)
        .join(', ') || '—',
    },
    { k: 'Total planned TSS', v: fmt(s.totalPlannedTss) },
    { k: 'Total ridden TSS', v: fmt(s.totalActualTss) },
    { k: 'CTL start → end', v: `${fmt(s.ctlStart)} → ${fmt(s.ctlEnd)}${s.ctlChange != null ? ` (${s.ctlChange >= 0 ? '+' : ''}${s.ctlChange})` : ''}` },
    {
      k: 'Compliance',
      v: `${rate(c.rate)} of reported training days (${c.yes} done, ${c.partly} partly, ${c.no} not done, ${c.unreported} unreported)`,
    },
  ];
}

export function renderBlockSummary(input: BlockSummaryInput): RenderedReport & { summary: BlockSummary } {
  const s = summariseBlock(input);
  const rows = lines(s);
  const markdown = [
    `# ${md(s.mission.name)} — block summary`,
    '',
    `Athlete ${md(s.athlete.handle)} · mission ${md(s.mission.id)}`,
    '',
    '| Figure | Value |',
    '|---|---|',
    ...rows.map((r) => `| ${md(r.k)} | ${md(r.v)} |`),
    '',
  ].join('\n');
  const chart = trainingLoadChart(
    [...input.days]
      .sort((a, b) => a.date.localeCompare(b.date))
      .map((d) => ({ date: d.date, readiness: null, hrv: null, ctl: d.ctl, atl: d.atl ?? null, tsb: d.tsb ?? null })),
  );
  const html = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${h(s.mission.name)} — block summary</title>`,
    '<style>body{font-family:sans-serif;max-width:760px;margin:0 auto;padding:16px;color:#222}table{border-collapse:collapse;width:100%}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left}th{background:#f0f0f0}.chart{max-width:100%;height:auto}</style>',
    '</head>',
    '<body>',
    `<h1>${h(s.mission.name)} — block summary</h1>`,
    `<p>Athlete ${h(s.athlete.handle)} · mission ${h(s.mission.id)}</p>`,
    `<table><tbody>${rows.map((r) => `<tr><th>${h(r.k)}</th><td>${h(r.v)}</td></tr>`).join('')}</tbody></table>`,
    chart,
    '</body>',
    '</html>',
    '',
  ].join('\n');
  const json = `${JSON.stringify({ schema: BLOCK_SUMMARY_SCHEMA, ...s }, null, 2)}\n`;
  return { markdown, html, json, summary: s };
}
