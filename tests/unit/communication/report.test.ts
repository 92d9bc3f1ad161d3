import {
  DAY_REPORT_SCHEMA,
  renderDayReport,
  renderHtml,
  renderPlainText,
  reportSubject,
} from '../../../src/communication/report';
import { stageLabel } from '../../../src/communication/day-heading';
import { summariseObservation } from '../../../src/communication/report-model';
import { renderSmsText } from '../../../src/communication/sms';
import { sampleReport } from './fixtures';

describe('daily report rendering', () => {
  const report = sampleReport();
  const out = renderDayReport(report);

  it.each([
    ['markdown', out.markdown],
    ['html', out.html],
    ['json', out.json],
  ])('%s shows the decision, rationale, intervals, classes and stage', (_format, text) => {
    expect(text).toMatch(/Lower the intensity|modify_intensity/);
    expect(text).toContain('HRV 52 ms is below the normal range 58–74 ms.');
    expect(text).toContain('Sweet-spot time-trial rehearsal');
    expect(text).toContain('Steady TT effort');
    expect(text).toContain('45 min Sweet Spot Ride');
    expect(text).toMatch(/Stage 5|"stage": 5/);
  });

  it('shows the negotiation and the degraded reasons in Markdown and HTML', () => {
    for (const text of [out.markdown, out.html]) {
      expect(text).toContain('mission');
      expect(text).toContain('Stage 5 is a key time trial; intensity trimmed to sweet spot instead.');
      expect(text).toContain('Strava unavailable: rides from the last 2 days are missing');
      expect(text).toContain('80 %'); // confidence
    }
  });

  it('lists every interval with its target in the Markdown table', () => {
    const rows = out.markdown.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    expect(rows).toHaveLength(4);
    expect(rows[2]).toContain('88 % FTP');
    expect(rows[2]).toContain('220 W');
    expect(rows[3]).toContain('HR zone 1');
    expect(rows[3]).toContain('100–120 bpm');
  });

  it('HTML is a standalone page: no scripts, no external assets, the profile and two trend charts as inline SVG', () => {
    expect(out.html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(out.html).not.toMatch(/<script|<link|src=|url\(/i);
    expect(out.html).toContain("default-src 'none'");
    expect(out.html.match(/<svg /g)).toHaveLength(3);
    expect(out.html).toContain('Workout profile: Sweet-spot time-trial rehearsal');
    expect(out.html).toContain('Readiness and HRV trend');
    expect(out.html).toContain('Fitness (CTL), fatigue (ATL) and form (TSB)');
    // one drawn path per series with data: readiness, HRV, CTL, ATL, TSB
    expect(out.html.match(/<path class="series"/g)).toHaveLength(5);
    // one block per interval, the profile before the interval table
    expect(out.html.match(/<rect class="block"/g)).toHaveLength(4);
    expect(out.html.indexOf('class="chart profile"')).toBeLessThan(out.html.indexOf('<table class="intervals">'));
  });

  it('Markdown and plain text carry a text profile of the workout', () => {
    const block = /```text\n(.+)\n(.+)\n```/.exec(out.markdown)!;
    // 60 min at 1 character a minute: 15 warm-up, 3 + 30 tempo, 12 cool-down (heart-rate zone 1)
    expect(block[1]).toBe(`${'▄'.repeat(15)}${'▆'.repeat(33)}${'▃'.repeat(12)}`);
    expect(block[2]).toBe('(1 character = 1 min; ▇ = 100 % FTP, █ = 120 % and above)');
    expect(renderPlainText(report)).toContain(`  ${block[1]}\n`);
  });

  it('JSON parses back to the same report, with a schema tag, the heading and the profile’s data points', () => {
    const parsed = JSON.parse(out.json);
    expect(parsed.schema).toBe(DAY_REPORT_SCHEMA);
    const { schema: _schema, heading, workoutProfile, ...rest } = parsed;
    expect(rest).toEqual(report);
    expect(heading).toEqual({ head: 'Stage 5', title: 'Caen time trial', route: null, type: 'itt', label: 'Stage 5 · Caen time trial (itt)', subject: reportSubject(report) });
    expect(workoutProfile).toEqual({
      durationMin: 60,
      blocks: [
        { startMin: 0, endMin: 15, pctFtp: 0.55, watts: 138, zone: 1, zoneName: 'active recovery', basis: 'power', cue: 'Easy spin warm-up' },
        { startMin: 15, endMin: 18, pctFtp: 0.9, watts: 225, zone: 3, zoneName: 'tempo', basis: 'power', cue: 'Sweet spot, aero position' },
        { startMin: 18, endMin: 48, pctFtp: 0.88, watts: 220, zone: 3, zoneName: 'tempo', basis: 'power', cue: 'Steady TT effort' },
        { startMin: 48, endMin: 60, pctFtp: 0.5, watts: null, zone: 1, zoneName: 'active recovery', basis: 'heart-rate', cue: 'Cool down' },
      ],
    });
    expect(JSON.parse(renderDayReport(sampleReport({ workout: null })).json).workoutProfile).toBeNull();
  });

  it('renders the same bytes for the same input', () => {
    expect(renderDayReport(sampleReport())).toEqual(out);
  });

  it('escapes input in HTML: a malicious note, adaptation and class title cannot inject markup', () => {
    const evil = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const r = sampleReport({
      adaptations: [evil],
      classes: [{ id: 'x', title: `</li>${evil}`, durationMin: 20, classType: 'Climb"><b>', score: 1, why: "it's <b>bold</b>" }],
      mission: { id: 'tdf2025', name: 'A & B <i>' },
    });
    r.day = { ...r.day, notes: evil };
    r.decision = { ...r.decision, rationale: [evil] };
    const html = renderHtml(r);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('<i>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('A &amp; B &lt;i&gt;');
    expect(html).toContain('it&#39;s &lt;b&gt;bold&lt;/b&gt;');
    // Markdown escapes raw HTML too, so a Markdown viewer does not render it
    const { markdown } = renderDayReport(r);
    expect(markdown).not.toContain('<script>');
    expect(markdown).toContain('\\<script\\>');
  });

  it('links to the Temporal UI only with an http(s) URL', () => {
    expect(out.html).toContain('href="http://localhost:8233/namespaces/default/workflows/mission-tdf2025-day-2025-07-09"');
    expect(out.markdown).toContain('Open this day in the Temporal UI');
    const bad = renderDayReport(sampleReport({ temporalUiUrl: 'javascript:alert(1)' }));
    expect(bad.html).not.toContain('javascript:');
    expect(bad.markdown).not.toContain('javascript:');
    expect(JSON.parse(bad.json).temporalUiUrl).toBeNull();
  });

  it('renders a rest day without a workout or classes', () => {
    const r = sampleReport({ workout: null, classes: [] });
    r.day = { ...r.day, stage: null, type: 'rest', name: 'Rest day', start: null, finish: null };
    r.decision = { ...r.decision, decision: 'rest', negotiation: null, degraded: [] };
    const o = renderDayReport(r);
    expect(o.markdown).toContain('No workout today.');
    expect(o.html).toContain('No workout today.');
    expect(o.html).toContain('Rest day');
    expect(o.html).not.toContain('class="chart profile"');
    expect(o.markdown).not.toContain('```text');
    expect(reportSubject(r)).toBe('Tour de France 2025 ride-along — 2025-07-09 — Rest day');
  });

  it('shows notification outcomes when given', () => {
    const r = sampleReport({
      notifications: [
        { channel: 'email', status: 'sent', providerId: '<lanterne.abc@example.com>' },
        { channel: 'sms', status: 'skipped', reason: 'SMS is not configured' },
      ],
    });
    const o = renderDayReport(r);
    expect(o.markdown).toContain('email: sent');
    expect(o.html).toContain('sms: skipped (SMS is not configured)');
  });

  it('plain text (e-mail text part) carries decision, intervals and classes', () => {
    const text = renderPlainText(report);
    expect(text).toContain('DECISION: Lower the intensity');
    expect(text).toContain('3. 30 min @ 88 % FTP, 220 W, 92 rpm — Steady TT effort');
    expect(text).toContain('45 min Sweet Spot Ride');
    expect(text).not.toMatch(/<[a-z]/i);
  });

  it('demo classes say so in every format: "demo catalogue — not real classes"', () => {
    // the sample's classes have no catalogue: recorded before the library, so demo ones
    const o = renderDayReport(report);
    expect(o.markdown).toContain('_Classes from the demo catalogue — not real classes (made-up examples to show the matching)');
    expect(o.html).toContain('<p class="muted demo-classes">Classes from the demo catalogue — not real classes');
    expect(renderPlainText(report)).toContain('CLASSES (demo catalogue — not real classes):');
    expect(renderSmsText(report)).toContain('Class (demo, not real): 45 min Sweet Spot Ride');
  });

  it('library classes show their instructor and their own link, and no demo label', () => {
    const url = `https://members.onepeloton.com/classes/cycling?modal=classDetailsModal&classId=${'a'.repeat(32)}`;
    const r = sampleReport({
      classes: [{ id: 'a'.repeat(32), title: '45 min Power Zone Ride', durationMin: 45, classType: 'Power Zone', score: 0.9, why: 'Structured power-zone work', catalogue: 'peloton', instructor: 'Ana <Coach>', url }],
    });
    const o = renderDayReport(r);
    expect(o.markdown).toContain(`- **[45 min Power Zone Ride](${url})** with Ana \\<Coach\\> (45 min, Power Zone)`);
    expect(o.html).toContain(`<strong><a href="${url.replace(/&/g, '&amp;')}">45 min Power Zone Ride</a></strong> with Ana &lt;Coach&gt; (45 min, Power Zone)`);
    const text = renderPlainText(r);
    expect(text).toContain('  - 45 min Power Zone Ride with Ana <Coach> (45 min, Power Zone)');
    expect(text).toContain(`    ${url}`);
    expect(renderSmsText(r)).toContain('Class: 45 min Power Zone Ride with Ana <Coach>');
    for (const out of [o.markdown, o.html, text]) expect(out).not.toContain('demo catalogue');
    // a link that is not http(s) is not shown
    const bad = renderDayReport(sampleReport({ classes: [{ ...r.classes[0], url: 'javascript:alert(1)' }] }));
    expect(bad.html).not.toContain('javascript:');
    expect(bad.markdown).not.toContain('javascript:');
  });

  it('stage labels', () => {
    expect(stageLabel(report.day)).toBe('Stage 5 · Caen time trial (itt)');
  });

  it('an observation summary keeps only yesterday’s rides and the headline figures', () => {
    const s = summariseObservation({
      date: '2025-07-09',
      readiness: {
        source: 'oura',
        score: 71,
        temperatureDeviation: 0.1,
        temperatureTrendDeviation: null,
        contributors: {
          activityBalance: null, bodyTemperature: null, hrvBalance: null, previousDayActivity: null,
          previousNight: null, recoveryIndex: null, restingHeartRate: null, sleepBalance: null, sleepRegularity: null,
        },
      },
      sleep: { source: 'oura', score: 80, totalSleepS: 27000, efficiency: 90 },
      hrv: { source: 'oura', averageHrvMs: 60, lowestHeartRate: 48, averageHeartRate: 55 },
      rides: [
        { source: 'strava', date: '2025-07-07', name: 'old', sportType: 'Ride', movingTimeS: 3600, distanceM: 1, elevationGainM: 1, averageWatts: null, weightedAverageWatts: null, devicePower: false, averageHeartrate: null, maxHeartrate: null },
        { source: 'strava', date: '2025-07-08', name: 'yesterday', sportType: 'Ride', movingTimeS: 5400, distanceM: 1, elevationGainM: 1, averageWatts: null, weightedAverageWatts: null, devicePower: false, averageHeartrate: null, maxHeartrate: null },
      ],
      missing: [],
    });
    expect(s).toEqual({
      readinessScore: 71,
      sleepScore: 80,
      totalSleepH: 7.5,
      hrvMs: 60,
      lowestHeartRate: 48,
      ridesYesterday: [{ name: 'yesterday', movingMin: 90 }],
      missing: [],
    });
  });
});

describe('daily report rendering with hostile values in number fields', () => {
  it('never prints a non-number where a number belongs', () => {
    const evil = '<img src=x onerror=alert(1)>' as unknown as number;
    const r = sampleReport();
    r.totalDays = evil;
    r.decision = { ...r.decision, maxDurationMin: evil, tssBand: { min: evil, max: evil } };
    r.workout = { ...r.workout!, durationMin: evil, intervals: [{ ...r.workout!.intervals[0]!, durationMin: evil, cadenceRpm: evil }] };
    r.classes = [{ ...r.classes[0]!, durationMin: evil }];
    r.observation = { ...r.observation, ridesYesterday: [{ name: 'x', movingMin: evil }] };
    const out = renderDayReport(r);
    expect(out.html).not.toContain('<img');
    expect(out.markdown).not.toContain("<img");
    expect(out.markdown).not.toContain("img src");
    expect(renderPlainText(r)).not.toContain("img src");
  });
});
