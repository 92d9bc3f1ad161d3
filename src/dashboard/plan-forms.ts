/**
 * The athlete's forms: how a day felt (reflection) and one small form per override kind, each with
 * only its own fields. A refused form comes back with its problems in place and what was typed.
 * Pure: values in, escaped HTML out.
 */
import { CHANNELS, COMPLETION, type Channel } from '../domain/types';
import { html, trusted, type SafeHtml } from './html';
import { emptyOverrideValues, type OverrideFormValues, type OverrideKind, type ReflectionFormValues } from './forms';
import { missionPath } from './paths';

export interface FormsModel {
  mission: { athlete: string; id: string };
  csrf: string;
  /** Whether the workflow runs (forms are shown either way; the server says why it cannot send). */
  running: boolean;
  paused: boolean;
  /** Defaults: the next day to run, the current FTP, run time and channels. */
  defaults: { date: string; ftpW: number | null; runTime: string | null; channels: readonly Channel[] };
  reflection: { values: ReflectionFormValues; problems: string[] };
  /** The override form that came back refused, if any. */
  override: { values: OverrideFormValues; problems: string[] } | null;
}

interface KindForm {
  kind: OverrideKind;
  title: string;
  hint: string;
  button: string;
  fields: (v: OverrideFormValues, m: FormsModel) => SafeHtml;
}

const dateField = (name: 'date' | 'otherDate', label: string, value: string) =>
  html`<label>${label}<input name="${name}" value="${value}" placeholder="YYYY-MM-DD" inputmode="numeric" autocomplete="off"></label>`;
const reasonField = (value: string, placeholder: string) =>
  html`<label>Reason <span class="muted">(optional)</span><input name="reason" value="${value}" maxlength="200" placeholder="${placeholder}"></label>`;

const KIND_FORMS: KindForm[] = [
  { kind: 'rest-day', title: 'Rest day', hint: 'Turn a coming day into a rest day.', button: 'Make it a rest day', fields: (v) => html`${dateField('date', 'Day', v.date)}${reasonField(v.reason, 'travel, work, a cold…')}` },
  { kind: 'swap-days', title: 'Swap two days', hint: 'Ride one coming day on the other’s date.', button: 'Swap', fields: (v) => html`${dateField('date', 'Day', v.date)}${dateField('otherDate', 'With', v.otherDate)}` },
  { kind: 'set-ftp', title: 'New FTP', hint: 'After a test or a race: targets follow.', button: 'Set FTP', fields: (v, m) => html`<label>FTP (watts)<input name="ftpW" value="${v.ftpW}" inputmode="numeric" placeholder="${m.defaults.ftpW ?? ''}" autocomplete="off"></label>` },
  { kind: 'pause', title: 'Pause', hint: 'Days that pass while paused are skipped.', button: 'Pause the mission', fields: (v) => reasonField(v.reason, 'injury, holiday…') },
  { kind: 'resume', title: 'Resume', hint: 'Carry on from the next day.', button: 'Resume the mission', fields: () => html`` },
  { kind: 'shift', title: 'Move the block', hint: 'Move every remaining day by some days.', button: 'Move', fields: (v) => html`<label>Days (+ later, − earlier)<input name="days" value="${v.days}" inputmode="numeric" placeholder="+2" autocomplete="off"></label>` },
  { kind: 'set-run-time', title: 'Daily run time', hint: 'When the coach looks at the day (your timezone).', button: 'Set run time', fields: (v, m) => html`<label>Run time<input name="runTime" value="${v.runTime}" placeholder="${m.defaults.runTime ?? 'HH:MM'}" autocomplete="off"></label>` },
  {
    kind: 'set-channels',
    title: 'Notifications',
    hint: 'Where the day’s report goes.',
    button: 'Save channels',
    fields: (v) => html`<fieldset class="checks"><legend>Channels</legend>${CHANNELS.map(
      (c) => html`<label class="check"><input type="checkbox" name="channels" value="${c}"${v.channels.includes(c) ? trusted(' checked') : null}> ${c}</label>`,
    )}</fieldset>`,
  },
];

function problemsBox(id: string, problems: string[]): SafeHtml | null {
  if (problems.length === 0) return null;
  return html`<div class="errors" id="${id}" role="alert"><strong>Not sent:</strong><ul>${problems.map((p) => html`<li>${p}</li>`)}</ul></div>`;
}

function defaultValues(kind: OverrideKind, m: FormsModel): OverrideFormValues {
  const v = emptyOverrideValues(kind === 'rest-day' || kind === 'swap-days' ? m.defaults.date : '');
  return { ...v, kind, channels: kind === 'set-channels' ? [...m.defaults.channels] : [] };
}

export function overrideForms(m: FormsModel): SafeHtml {
  // Pause or resume, whichever applies; both when the workflow's state is unknown.
  const shown = KIND_FORMS.filter((k) => !m.running || (k.kind === 'pause' ? !m.paused : k.kind === 'resume' ? m.paused : true));
  // A refusal for a kind that has no form here (an unknown kind, or resume while running) is still said.
  const orphan = m.override && !shown.some((k) => k.kind === m.override!.values.kind) ? m.override.problems : [];
  return html`${problemsBox('override-errors', orphan)}<div class="override-grid" id="override-forms">
${shown.map((k) => {
  const refused = m.override && m.override.values.kind === k.kind ? m.override : null;
  const v = refused ? refused.values : defaultValues(k.kind, m);
  return html`<form id="override-${k.kind}" class="card override${refused ? ' refused' : ''}" method="post" action="${missionPath(m.mission)}/override">
<h3>${k.title}</h3>
<p class="muted small">${k.hint}</p>
<input type="hidden" name="csrf" value="${m.csrf}">
<input type="hidden" name="kind" value="${k.kind}">
${problemsBox(`override-${k.kind}-errors`, refused?.problems ?? [])}
${k.fields(v, m)}
<button type="submit">${k.button}</button>
</form>`;
})}
</div>`;
}

function scaleSelect(name: string, label: string, max: number, value: string): SafeHtml {
  const values = ['', ...Array.from({ length: max }, (_, i) => String(i + 1))];
  // A value outside the scale that came back from a refused form stays visible.
  if (value !== '' && !values.includes(value)) values.push(value);
  return html`<label>${label}<select name="${name}">${values.map((v) => html`<option value="${v}"${v === value ? trusted(' selected') : null}>${v === '' ? '—' : v}</option>`)}</select></label>`;
}

export function reflectionForm(m: Pick<FormsModel, 'mission' | 'csrf' | 'reflection'>): SafeHtml {
  const v = m.reflection.values;
  return html`<form id="reflect" class="card panel" method="post" action="${missionPath(m.mission)}/reflect">
<h3>How did it feel?</h3>
<input type="hidden" name="csrf" value="${m.csrf}">
${problemsBox('reflect-errors', m.reflection.problems)}
<label>Day<input name="date" value="${v.date}" placeholder="YYYY-MM-DD" inputmode="numeric" autocomplete="off"></label>
${scaleSelect('rpe', 'Effort (RPE 1–10)', 10, v.rpe)}
${scaleSelect('legs', 'Legs (1 fresh – 5 sore)', 5, v.legs)}
${scaleSelect('mood', 'Mood (1–5)', 5, v.mood)}
${scaleSelect('sleepQuality', 'Sleep (1–5)', 5, v.sleepQuality)}
<label>Completed<select name="completed">${COMPLETION.map((c) => html`<option value="${c}"${c === v.completed ? trusted(' selected') : null}>${c}</option>`)}</select></label>
<label class="wide">Note<textarea name="note" rows="2" maxlength="1000">${v.note}</textarea></label>
<button type="submit" class="wide">Send reflection</button>
</form>`;
}
